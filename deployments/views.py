"""Deploy models (endpoints, Try it, logs) and the Copy to wizard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HTMX_STOP_POLLING

from deployments import services, tasks
from deployments.models import CopyOperation, CopyState, Endpoint, TryIt
from deployments.services import DeployRefused
from portal import audit
from portal.access import teams_for_user
from portal.models import AuditAction, Role, SpeechResource
from projects import services as project_services
from projects.access import project_for_user
from projects.models import Project
from training.models import BaseModel, CustomModel
from training.selectors import model_names


def _models(project) -> list[tuple[str, str]]:
    customs = CustomModel.objects.filter(
        project=project, status="Succeeded", deleted_remotely_at__isnull=True
    )
    bases = BaseModel.objects.filter(resource=project.resource, locale=project.locale).order_by(
        "-remote_created_at"
    )[:3]
    return [(m.self_url, f"{m.display_name} (custom)") for m in customs] + [
        (b.self_url, f"Base model {b.display_name}") for b in bases
    ]


@login_required
def endpoint_new(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id, Role.EDITOR)
    choices = _models(project)
    if request.method == "POST":
        model_url, name = (
            request.POST.get("model", ""),
            request.POST.get("display_name", "").strip(),
        )
        if model_url not in dict(choices) or not name:
            messages.error(request, "Name the endpoint and choose one of the project's models.")
        else:
            endpoint = services.endpoint_create(
                project=project,
                model_url=model_url,
                display_name=name,
                description=request.POST.get("description", ""),
                logging=bool(request.POST.get("logging")),
            )
            audit.record(
                user=request.user,
                action=AuditAction.DEPLOYED,
                target=endpoint,
                detail=dict(choices)[model_url],
            )
            return redirect("endpoint_detail", project_id=project.id, endpoint_id=endpoint.id)
    return render(
        request, "deployments/endpoint_new.html", {"project": project, "choices": choices}
    )


@login_required
def endpoint_detail(request: HttpRequest, project_id: int, endpoint_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id)
    endpoint = get_object_or_404(Endpoint, id=endpoint_id, project=project)
    model = CustomModel.objects.filter(
        resource=project.resource, self_url=endpoint.model_url
    ).first()
    context = {
        "project": project,
        "endpoint": endpoint,
        "model_name": model_names(project).get(endpoint.model_url, endpoint.model_url),
        "model": model,
        "choices": _models(project),
        "latest_try": endpoint.tries.order_by("-created_at").first(),
    }
    if request.htmx and request.GET.get("part") == "status":
        response = render(request, "deployments/endpoint_detail.html#status", context)
        if not endpoint.in_flight and endpoint.remote_id:
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, "deployments/endpoint_detail.html", context)


@login_required
@require_POST
def endpoint_change(request: HttpRequest, project_id: int, endpoint_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id, Role.EDITOR)
    endpoint = get_object_or_404(Endpoint, id=endpoint_id, project=project)
    action = request.POST.get("action")
    if action == "swap" and request.POST.get("model") in dict(_models(project)):
        services.endpoint_swap(endpoint=endpoint, model_url=request.POST["model"])
        audit.record(
            user=request.user,
            action=AuditAction.SWAPPED,
            target=endpoint,
            detail=dict(_models(project))[request.POST["model"]],
        )
        messages.success(request, "Changing the model; the endpoint keeps its id.")
    elif action == "logging":
        services.endpoint_logging(endpoint=endpoint, enabled=request.POST.get("enabled") == "1")
        messages.success(request, "Content logging updated.")
    elif action == "logs":
        tasks.endpoint_logs_fetch.delay_on_commit(endpoint.id)
        messages.info(request, "Fetching the endpoint's logs.")
    elif action == "log_delete" and request.POST.get("name"):
        tasks.endpoint_log_delete.delay_on_commit(endpoint.id, request.POST["name"])
        messages.success(request, "Deleting the log.")
    elif action == "delete":
        project_services.entity_delete(row=endpoint)
        audit.record(user=request.user, action=AuditAction.DELETED, target=endpoint)
        messages.success(request, f"Deleting {endpoint.display_name}.")
        return redirect(f"/projects/{project.id}/?tab=endpoints")
    else:
        messages.error(request, "Choose one of the project's models.")
    return redirect("endpoint_detail", project_id=project.id, endpoint_id=endpoint.id)


@login_required
def try_it(request: HttpRequest, project_id: int, endpoint_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id)
    endpoint = get_object_or_404(Endpoint, id=endpoint_id, project=project)
    if request.method == "POST":
        audio = request.FILES.get("audio")
        if audio is None or audio.size > 10 * 1024 * 1024:
            messages.error(request, "Choose a WAV file of at most 10 MB (short audio, up to 60 s).")
            return redirect("endpoint_detail", project_id=project.id, endpoint_id=endpoint.id)
        attempt = services.try_it_start(endpoint=endpoint, audio=audio.read())
    else:
        attempt = get_object_or_404(TryIt, id=request.GET.get("id"), endpoint=endpoint)
    response = render(
        request,
        "deployments/endpoint_detail.html#try",
        {"project": project, "endpoint": endpoint, "latest_try": attempt},
    )
    if request.method == "GET" and attempt.done:
        response.status_code = HTMX_STOP_POLLING
    if request.method == "POST" and not request.htmx:
        return redirect("endpoint_detail", project_id=project.id, endpoint_id=endpoint.id)
    return response


# Copy to ------------------------------------------------------------------------------------

COPY_STEPS = [
    ("region", "Target region"),
    ("resource", "Speech resource"),
    ("project", "Project"),
    ("confirm", "Copy"),
]


def _copy(request, copy_id) -> CopyOperation:
    copy = get_object_or_404(
        CopyOperation.objects.select_related("source__project", "target_resource"), id=copy_id
    )
    project_for_user(request.user, copy.source.project_id, Role.EDITOR)
    if copy.state != CopyState.DRAFT and request.resolver_match.url_name != "copy_progress":
        raise Http404("This copy has already started")
    return copy


def _targets(user, copy):
    return (
        SpeechResource.objects.filter(teams__in=teams_for_user(user))
        .exclude(id=copy.source.resource_id)
        .distinct()
    )


def _copy_step(request, copy, step, **extra) -> HttpResponse:
    context = {
        "copy": copy,
        "model": copy.source,
        "project": copy.source.project,
        "steps": COPY_STEPS,
        "step": step,
        **extra,
    }
    return render(request, f"deployments/copy_{step}.html", context)


@login_required
@require_POST
def copy_new(request: HttpRequest, project_id: int, model_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id, Role.EDITOR)
    model = get_object_or_404(CustomModel, id=model_id, project=project, status="Succeeded")
    copy = CopyOperation.objects.create(source=model, created_by=request.user)
    return redirect("copy_region", copy_id=copy.id)


@login_required
def copy_region(request: HttpRequest, copy_id) -> HttpResponse:
    copy = _copy(request, copy_id)
    regions = sorted(set(_targets(request.user, copy).values_list("region", flat=True)))
    if request.method == "POST" and request.POST.get("region") in regions:
        copy.target_region = request.POST["region"]
        if copy.target_resource and copy.target_resource.region != copy.target_region:
            copy.target_resource, copy.target_project = None, None
        copy.save()
        return redirect("copy_resource", copy_id=copy.id)
    return _copy_step(request, copy, "region", regions=regions)


@login_required
def copy_resource(request: HttpRequest, copy_id) -> HttpResponse:
    copy = _copy(request, copy_id)
    if not copy.target_region:
        return redirect("copy_region", copy_id=copy.id)
    resources = _targets(request.user, copy).filter(region=copy.target_region)
    if request.method == "POST":
        chosen = resources.filter(id=request.POST.get("resource") or 0).first()
        if chosen is not None:
            if copy.target_resource_id != chosen.id:
                copy.target_project = None
            copy.target_resource = chosen
            copy.save()
            return redirect("copy_project", copy_id=copy.id)
        messages.error(request, "Choose a Speech resource in that region.")
    return _copy_step(request, copy, "resource", resources=resources)


@login_required
def copy_project(request: HttpRequest, copy_id) -> HttpResponse:
    copy = _copy(request, copy_id)
    if copy.target_resource is None:
        return redirect("copy_resource", copy_id=copy.id)
    teams = teams_for_user(request.user)
    projects = Project.objects.filter(
        resource=copy.target_resource,
        locale=copy.source.locale,
        team__in=teams,
        remote_id__isnull=False,
    )
    if request.method == "POST":
        chosen = projects.filter(id=request.POST.get("project") or 0).first()
        if chosen is None and request.POST.get("new_project", "").strip():
            chosen = project_services.project_create(
                team=copy.source.project.team,
                resource=copy.target_resource,
                display_name=request.POST["new_project"].strip(),
                locale=copy.source.locale,
            )
            audit.record(user=request.user, action=AuditAction.CREATED, target=chosen)
        if chosen is not None:
            copy.target_project = chosen
            copy.save()
            return redirect("copy_confirm", copy_id=copy.id)
        messages.error(request, "Choose a project or name a new one.")
    return _copy_step(request, copy, "project", projects=projects)


@login_required
def copy_confirm(request: HttpRequest, copy_id) -> HttpResponse:
    copy = _copy(request, copy_id)
    if copy.target_project is None:
        return redirect("copy_project", copy_id=copy.id)
    if request.method == "POST":
        if not copy.target_project.remote_id:
            messages.error(
                request,
                "The new project is still being created on its resource; try again in a moment.",
            )
        else:
            try:
                services.copy_start(copy=copy)
            except DeployRefused as exc:
                messages.error(request, str(exc))
            else:
                audit.record(
                    user=request.user,
                    action=AuditAction.COPIED,
                    target=copy.source,
                    detail=f"to {copy.target_project} ({copy.target_region})",
                )
                return redirect("copy_progress", copy_id=copy.id)
    return _copy_step(request, copy, "confirm")


@login_required
def copy_progress(request: HttpRequest, copy_id) -> HttpResponse:
    copy = _copy(request, copy_id)
    context = {"copy": copy, "model": copy.source, "project": copy.source.project}
    if request.htmx:
        response = render(request, "deployments/copy_progress.html#progress", context)
        if copy.state in (CopyState.SUCCEEDED, CopyState.FAILED):
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, "deployments/copy_progress.html", context)


@login_required
def test_set(request: HttpRequest, project_id: int, endpoint_id: int) -> HttpResponse:
    """Make a test set: the chosen logs' audio with the transcripts the user corrects."""
    project = project_for_user(request.user, project_id, Role.EDITOR)
    endpoint = get_object_or_404(Endpoint, id=endpoint_id, project=project)
    logs = {log["name"]: log for log in endpoint.logs or [] if log.get("audio")}
    chosen = [logs[n] for n in request.POST.getlist("logs") if n in logs]
    if request.POST.get("confirm"):
        items = [
            {
                "name": log["name"],
                "audio": log["audio"],
                "transcript": request.POST.get(f"text-{log['name']}", ""),
            }
            for log in chosen
        ]
        try:
            upload = services.test_set_from_logs(endpoint=endpoint, user=request.user, items=items)
        except DeployRefused as exc:
            messages.error(request, str(exc))
        else:
            return redirect("upload_validation", upload_id=upload.id)
    if not chosen:
        messages.error(request, "Select at least one log.")
        return redirect("endpoint_detail", project_id=project.id, endpoint_id=endpoint.id)
    return render(
        request,
        "deployments/test_set.html",
        {"project": project, "endpoint": endpoint, "logs": chosen},
    )
