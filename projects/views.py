"""Projects, their Speech Studio tabs, and the dataset upload wizard (one view per step over a
draft row, so refresh and Back keep the work)."""

from __future__ import annotations

import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HTMX_STOP_POLLING

from portal import audit
from portal.access import teams_for_user
from portal.models import AuditAction, Role
from projects import selectors, services
from projects.access import project_for_user, upload_for_user
from projects.forms import KIND_HELP, DetailsForm, KindForm, ProjectForm, SourceForm
from projects.models import Dataset, UploadState

TABS = [
    ("datasets", "Speech datasets"),
    ("models", "Train custom models"),
    ("tests", "Test models"),
    ("endpoints", "Deploy models"),
]


def _editor_teams(user):
    return teams_for_user(user).filter(
        memberships__user=user, memberships__role__in=[Role.EDITOR, Role.ADMIN]
    )


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, teams=_editor_teams(request.user))
    if request.method == "POST" and form.is_valid():
        project = services.project_create(
            team=form.cleaned_data["team"],
            resource=form.cleaned_data["resource"],
            display_name=form.cleaned_data["display_name"],
            locale=form.cleaned_data["locale"],
            description=form.cleaned_data["description"],
        )
        audit.record(user=request.user, action=AuditAction.CREATED, target=project)
        messages.success(
            request, f"Creating project {project.display_name} on {project.resource.name}."
        )
        return redirect("project_detail", project_id=project.id)
    context = {"projects": selectors.projects_for_user(user=request.user), "form": form}
    return render(request, "projects/project_list.html", context)


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id)
    tab = request.GET.get("tab", "datasets")
    if tab not in dict(TABS):
        tab = "datasets"
    context = {
        "project": project,
        "tab": tab,
        "tabs": TABS,
        **selectors.project_tab(project=project, tab=tab, page_number=request.GET.get("page")),
    }
    template = (
        "projects/project_detail.html#tab" if request.htmx else "projects/project_detail.html"
    )
    return render(request, template, context)


@login_required
def project_status(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id)
    response = render(request, "projects/project_detail.html#status", {"project": project})
    if not project.in_flight:
        response.status_code = HTMX_STOP_POLLING
    return response


# Upload wizard ---------------------------------------------------------------------------------


@login_required
@require_POST
def upload_new(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id, Role.EDITOR)
    if not project.remote_id:
        messages.error(
            request, "The project is still being created on its resource; try again in a moment."
        )
        return redirect("project_detail", project_id=project.id)
    upload = services.upload_start(project=project, user=request.user)
    return redirect("upload_kind", upload_id=upload.id)


def _wizard(request, upload, step: str, form, **extra) -> HttpResponse:
    steps = [
        ("kind", "Kind"),
        ("source", "Data"),
        ("validation", "Validation"),
        ("details", "Name and upload"),
    ]
    context = {
        "upload": upload,
        "project": upload.project,
        "step": step,
        "steps": steps,
        "form": form,
        **extra,
    }
    return render(request, f"projects/upload_{step}.html", context)


def _editable(upload) -> None:
    if upload.state != UploadState.DRAFT:
        raise Http404("This upload has already started")


@login_required
def upload_kind(request: HttpRequest, upload_id) -> HttpResponse:
    upload = upload_for_user(request.user, upload_id)
    _editable(upload)
    form = KindForm(request.POST or None, initial={"kind": upload.kind})
    if request.method == "POST" and form.is_valid():
        services.upload_set_kind(upload=upload, kind=form.cleaned_data["kind"])
        return redirect("upload_source", upload_id=upload.id)
    return _wizard(request, upload, "kind", form, kinds=KIND_HELP)


@login_required
def upload_source(request: HttpRequest, upload_id) -> HttpResponse:
    upload = upload_for_user(request.user, upload_id)
    _editable(upload)
    if not upload.kind:
        messages.error(request, "Choose the kind of data first.")
        return redirect("upload_kind", upload_id=upload.id)
    form = SourceForm(
        request.POST or None, request.FILES or None, initial={"content_url": upload.content_url}
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("file"):
            services.upload_set_file(upload=upload, uploaded=form.cleaned_data["file"])
        else:
            services.upload_set_url(upload=upload, url=form.cleaned_data["content_url"])
        return redirect("upload_validation", upload_id=upload.id)
    return _wizard(request, upload, "source", form, help=KIND_HELP[upload.kind])


@login_required
def upload_validation(request: HttpRequest, upload_id) -> HttpResponse:
    upload = upload_for_user(request.user, upload_id)
    _editable(upload)
    if not upload.file_name and not upload.content_url:
        messages.error(request, "Choose the data first.")
        return redirect("upload_source", upload_id=upload.id)
    if request.htmx:
        response = render(request, "projects/upload_validation.html#report", {"upload": upload})
        if upload.report is not None:
            response.status_code = HTMX_STOP_POLLING
        return response
    return _wizard(request, upload, "validation", None)


@login_required
def upload_details(request: HttpRequest, upload_id) -> HttpResponse:
    upload = upload_for_user(request.user, upload_id)
    _editable(upload)
    report = upload.report or {}
    if report.get("status") != "Succeeded":
        messages.error(
            request, "Only data that passed validation can be uploaded; fix it and choose it again."
        )
        return redirect("upload_validation", upload_id=upload.id)
    initial = {
        "display_name": upload.display_name or upload.file_name,
        "description": upload.description,
    }
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.upload_set_details(
            upload=upload, leave_out_rejected=bool(report.get("rejected")), **form.cleaned_data
        )
        services.upload_begin(upload=upload)
        audit.record(
            user=request.user, action=AuditAction.UPLOADED, target=upload, detail=upload.kind
        )
        return redirect("upload_progress", upload_id=upload.id)
    return _wizard(request, upload, "details", form, report=report)


@login_required
def upload_progress(request: HttpRequest, upload_id) -> HttpResponse:
    upload = upload_for_user(request.user, upload_id)
    dataset = upload.dataset
    context = {"upload": upload, "project": upload.project, "dataset": dataset}
    if request.htmx:
        response = render(request, "projects/upload_progress.html#progress", context)
        finished = upload.state == UploadState.FAILED or (
            dataset is not None and dataset.status in ("Succeeded", "Failed")
        )
        if finished:
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, "projects/upload_progress.html", context)


# Datasets --------------------------------------------------------------------------------------


@login_required
def dataset_detail(request: HttpRequest, project_id: int, dataset_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id)
    dataset = get_object_or_404(Dataset, id=dataset_id, project=project)
    return render(request, "projects/dataset_detail.html", selectors.dataset_page(dataset=dataset))


@login_required
def dataset_audio(
    request: HttpRequest, project_id: int, dataset_id: int, name: str
) -> HttpResponse:
    """A file of an audio dataset uploaded through the portal, from the portal's own copy."""
    project = project_for_user(request.user, project_id)
    dataset = get_object_or_404(Dataset, id=dataset_id, project=project)
    upload = getattr(dataset, "upload", None)
    path = upload.file_path if upload else None
    if path is None or not path.exists() or not zipfile.is_zipfile(path):
        raise Http404("No audio kept for this dataset")
    archive = zipfile.ZipFile(path)
    if name not in archive.namelist() or not name.lower().endswith(".wav"):
        raise Http404("No such audio file")
    return FileResponse(
        archive.open(name), content_type="audio/wav", filename=name.rsplit("/", 1)[-1]
    )


# Edit, delete, Connect --------------------------------------------------------------------------


def _edit_details(request: HttpRequest, project, row, done: str) -> HttpResponse:
    """Name and description of a project or dataset; the PATCH runs as a task."""
    initial = {"display_name": row.display_name, "description": row.description}
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {
            "displayName": form.cleaned_data["display_name"],
            "description": form.cleaned_data["description"],
        }
        services.entity_update(row=row, changes=changes)
        audit.record(user=request.user, action=AuditAction.EDITED, target=row, project=project)
        messages.success(request, "Saved; the resource is being updated.")
        return redirect(done)
    context = {"project": project, "form": form, "title": f"Edit {row.display_name}"}
    return render(request, "projects/entity_edit.html", context)


@login_required
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id, Role.EDITOR)
    return _edit_details(request, project, project, f"/projects/{project.id}/")


@login_required
@require_POST
def project_delete(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id, Role.ADMIN)
    services.entity_delete(row=project)
    audit.record(user=request.user, action=AuditAction.DELETED, target=project)
    messages.success(
        request,
        f"Deleting {project.display_name}; its datasets and models stay on the resource, in no "
        "project.",
    )
    return redirect("project_list")


@login_required
def dataset_edit(request: HttpRequest, project_id: int, dataset_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id, Role.EDITOR)
    dataset = get_object_or_404(Dataset, id=dataset_id, project=project)
    return _edit_details(
        request, project, dataset, f"/projects/{project.id}/datasets/{dataset.id}/"
    )


@login_required
@require_POST
def dataset_delete(request: HttpRequest, project_id: int, dataset_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id, Role.EDITOR)
    dataset = get_object_or_404(Dataset, id=dataset_id, project=project)
    services.entity_delete(row=dataset)
    audit.record(user=request.user, action=AuditAction.DELETED, target=dataset)
    messages.success(request, f"Deleting {dataset.display_name}.")
    return redirect("project_detail", project_id=project.id)


@login_required
@require_POST
def project_connect(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id, Role.EDITOR)
    row = selectors.unconnected_entity(
        project=project, kind=request.POST.get("kind", ""), pk=request.POST.get("id", "")
    )
    if row is None:
        raise Http404("Nothing to connect")
    services.project_connect(project=project, row=row)
    messages.success(request, f"Connecting {row.display_name} to {project.display_name}.")
    return redirect(
        f"{request.path.rsplit('/connect/', 1)[0]}/?tab={request.POST.get('tab', 'datasets')}"
    )
