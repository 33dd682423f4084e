"""Train a new model (a wizard over a draft row), the model page, and Test models."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lifecycle.services import PlanRefused, retrain_plan_start
from portal import audit
from portal.models import AuditAction, Role
from projects.access import project_for_user
from projects.models import Dataset
from training import services
from training.forms import DetailsForm, EvaluationForm
from training.models import BaseModel, CustomModel, Evaluation, TrainingDraft
from training.selectors import evaluations_of, model_names
from training.services import TrainingRefused

STEPS = [
    ("base", "Base model"),
    ("data", "Choose data"),
    ("details", "Model details"),
    ("test", "Test"),
    ("review", "Review and train"),
]


def _draft(request: HttpRequest, draft_id) -> TrainingDraft:
    draft = get_object_or_404(
        TrainingDraft.objects.select_related("project", "base_model"), id=draft_id
    )
    project_for_user(request.user, draft.project_id, Role.EDITOR)
    return draft


def _step(request, draft, step: str, **context) -> HttpResponse:
    if draft.submitted and step != "review":
        messages.info(request, "This model was already submitted for training.")
        return redirect("model_detail", project_id=draft.project_id, model_id=draft.model_id)
    context = {"draft": draft, "project": draft.project, "steps": STEPS, "step": step, **context}
    return render(request, f"training/train_{step}.html", context)


def _needs(request, draft, *fields: str):
    """A step posted out of order is sent back to the first step it needs."""
    if "base" in fields and draft.base_model is None:
        messages.error(request, "Select a base model first.")
        return redirect("train_base", draft_id=draft.id)
    if "data" in fields and not draft.datasets.exists():
        messages.error(request, "Choose the data first.")
        return redirect("train_data", draft_id=draft.id)
    if "details" in fields and not draft.display_name:
        messages.error(request, "Name the model first.")
        return redirect("train_details", draft_id=draft.id)
    return None


@login_required
@require_POST
def train_new(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id, Role.EDITOR)
    draft = services.draft_start(project=project, user=request.user)
    return redirect("train_base", draft_id=draft.id)


@login_required
def train_base(request: HttpRequest, draft_id) -> HttpResponse:
    draft = _draft(request, draft_id)
    bases = [(b, services.adaptation_refusal(b)) for b in services.base_models_for(draft.project)]
    if request.method == "POST":
        base = BaseModel.objects.filter(id=request.POST.get("base_model") or 0).first()
        try:
            if base is None:
                raise TrainingRefused("Select a base model.")
            services.draft_set_base(draft=draft, base=base)
        except TrainingRefused as exc:
            messages.error(request, str(exc))
        else:
            return redirect("train_data", draft_id=draft.id)
    return _step(request, draft, "base", bases=bases)


@login_required
def train_data(request: HttpRequest, draft_id) -> HttpResponse:
    draft = _draft(request, draft_id)
    if missing := _needs(request, draft, "base"):
        return missing
    datasets = Dataset.objects.filter(
        project=draft.project, deleted_remotely_at__isnull=True
    ).exclude(kind="AudioFiles")
    if request.method == "POST":
        chosen = list(datasets.filter(id__in=request.POST.getlist("datasets")))
        foreign = set(request.POST.getlist("datasets")) - {str(d.id) for d in chosen}
        try:
            if foreign:
                raise TrainingRefused("A chosen dataset is not a dataset of this project.")
            services.draft_set_datasets(draft=draft, datasets=chosen)
        except TrainingRefused as exc:
            messages.error(request, str(exc))
        else:
            return redirect("train_details", draft_id=draft.id)
    rows = [(d, services.dataset_refusal(draft.base_model, d)) for d in datasets]
    chosen_ids = set(draft.datasets.values_list("id", flat=True))
    return _step(request, draft, "data", rows=rows, chosen=chosen_ids)


@login_required
def train_details(request: HttpRequest, draft_id) -> HttpResponse:
    draft = _draft(request, draft_id)
    if missing := _needs(request, draft, "base", "data"):
        return missing
    initial = {
        "display_name": draft.display_name,
        "description": draft.description,
        "weight_percent": draft.weight_percent,
    }
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.draft_set_details(draft=draft, **form.cleaned_data)
        return redirect("train_test", draft_id=draft.id)
    audio = draft.datasets.filter(kind="Acoustic").exists()
    return _step(request, draft, "details", form=form, audio_chosen=audio)


@login_required
def train_test(request: HttpRequest, draft_id) -> HttpResponse:
    draft = _draft(request, draft_id)
    if missing := _needs(request, draft, "base", "data", "details"):
        return missing
    tests = Dataset.objects.filter(
        project=draft.project, kind="Acoustic", status="Succeeded", deleted_remotely_at__isnull=True
    )
    if request.method == "POST":
        chosen = request.POST.get("test_dataset") or ""
        test = tests.filter(id=chosen).first() if chosen else None
        try:
            if chosen and test is None:
                raise TrainingRefused("That is not an Acoustic test dataset of this project.")
            services.draft_set_test(draft=draft, test_dataset=test)
        except TrainingRefused as exc:
            messages.error(request, str(exc))
        else:
            return redirect("train_review", draft_id=draft.id)
    return _step(request, draft, "test", tests=tests)


@login_required
def train_review(request: HttpRequest, draft_id) -> HttpResponse:
    draft = _draft(request, draft_id)
    if missing := _needs(request, draft, "base", "data", "details"):
        return missing
    if request.method == "POST":
        try:
            model = services.draft_submit(draft=draft)
        except TrainingRefused as exc:
            messages.error(request, str(exc))
        else:
            audit.record(user=request.user, action=AuditAction.TRAINED, target=model)
            messages.success(request, f"Training {model.display_name}.")
            return redirect("model_detail", project_id=draft.project_id, model_id=model.id)
    return _step(request, draft, "review")


@login_required
def model_detail(request: HttpRequest, project_id: int, model_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id)
    model = get_object_or_404(CustomModel, id=model_id, project=project)
    base = BaseModel.objects.filter(
        resource=project.resource, self_url=model.base_model_url
    ).first()
    draft = getattr(model, "draft", None)
    context = {
        "project": project,
        "model": model,
        "base": base,
        "draft": draft,
        "evaluations": evaluations_of(model),
    }
    template = "training/model_detail.html#status" if request.htmx else "training/model_detail.html"
    response = render(request, template, context)
    if request.htmx and not model.in_flight:
        response.status_code = 286
    return response


@login_required
@require_POST
def model_retrain(request: HttpRequest, project_id: int, model_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id, Role.EDITOR)
    model = get_object_or_404(CustomModel, id=model_id, project=project)
    try:
        plan = retrain_plan_start(model=model, user=request.user)
    except PlanRefused as exc:
        messages.error(request, str(exc))
        return redirect("model_detail", project_id=project.id, model_id=model.id)
    messages.success(
        request,
        f"Retraining as {plan.new_model.display_name}. When it is trained it is tested against "
        f"{model.display_name} on the same datasets, and its endpoints can be swapped to it.",
    )
    return redirect("model_detail", project_id=project.id, model_id=plan.new_model_id)


# Test models -------------------------------------------------------------------------------------


def _model_choices(project) -> list[tuple[str, str]]:
    customs = CustomModel.objects.filter(
        project=project, status="Succeeded", deleted_remotely_at__isnull=True
    )
    bases = [
        b
        for b in BaseModel.objects.filter(
            resource=project.resource, locale=project.locale
        ).order_by("-remote_created_at")
        if not b.transcription_until or b.transcription_until > b.synced_at
    ]
    return [(m.self_url, f"{m.display_name} (custom)") for m in customs] + [
        (b.self_url, f"{b.display_name} (base)") for b in bases
    ]


@login_required
def evaluation_new(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id, Role.EDITOR)
    datasets = Dataset.objects.filter(
        project=project, kind__in=["Acoustic", "AudioFiles"], status="Succeeded"
    )
    form = EvaluationForm(
        request.POST or None,
        models=_model_choices(project),
        datasets=[(d.id, d.display_name) for d in datasets],
    )
    if request.method == "POST" and form.is_valid():
        dataset = datasets.get(id=form.cleaned_data["dataset"])
        try:
            evaluation = services.evaluation_create(
                project=project,
                model1_url=form.cleaned_data["model1"],
                model2_url=form.cleaned_data["model2"],
                dataset=dataset,
                display_name=form.cleaned_data["display_name"],
            )
        except TrainingRefused as exc:
            messages.error(request, str(exc))
        else:
            audit.record(
                user=request.user, action=AuditAction.TESTED, target=evaluation, detail=str(dataset)
            )
            return redirect("evaluation_detail", project_id=project.id, evaluation_id=evaluation.id)
    return render(request, "training/evaluation_new.html", {"project": project, "form": form})


@login_required
def evaluation_detail(request: HttpRequest, project_id: int, evaluation_id: int) -> HttpResponse:
    project = project_for_user(request.user, project_id)
    evaluation = get_object_or_404(Evaluation, id=evaluation_id, project=project)
    names = model_names(project)
    sides = []
    for n, url in ((1, evaluation.model1_url), (2, evaluation.model2_url)):
        wer = evaluation.properties.get(f"wordErrorRate{n}")
        band, band_text = services.quality_band(wer if evaluation.status == "Succeeded" else None)
        sides.append(
            {
                "n": n,
                "name": names.get(url, url),
                "wer": wer,
                "band": band,
                "band_text": band_text,
                "diagnosis": services.diagnosis(evaluation.properties, n),
                "props": evaluation.properties,
            }
        )
    files = (evaluation.details or {}).get("files", [])
    if request.GET.get("sort") == "difference":
        files = sorted(
            files,
            key=lambda f: (
                -abs(
                    (f.get("model1") or {}).get("wordErrorRate", 0)
                    - (f.get("model2") or {}).get("wordErrorRate", 0)
                )
            ),
        )
    context = {
        "project": project,
        "evaluation": evaluation,
        "sides": sides,
        "files": files,
        "single": evaluation.model1_url == evaluation.model2_url,
    }
    template = (
        "training/evaluation_detail.html#results"
        if request.htmx
        else "training/evaluation_detail.html"
    )
    response = render(request, template, context)
    if request.htmx and not evaluation.in_flight and evaluation.details is not None:
        response.status_code = 286
    return response


@login_required
def evaluation_export(
    request: HttpRequest, project_id: int, evaluation_id: int, fmt: str
) -> HttpResponse:
    project = project_for_user(request.user, project_id)
    evaluation = get_object_or_404(Evaluation, id=evaluation_id, project=project)
    rows = []
    for item in (evaluation.details or {}).get("files", []):
        row = {"file": item["file"]}
        for n in (1, 2):
            score = item.get(f"model{n}") or {}
            row.update(
                {
                    "reference": score.get("reference", row.get("reference", "")),
                    f"hypothesis{n}": score.get("lexical", ""),
                    f"wer{n}": score.get("wordErrorRate"),
                    f"substitutions{n}": score.get("wordSubstitutionCount"),
                    f"deletions{n}": score.get("wordDeletionCount"),
                    f"insertions{n}": score.get("wordInsertionCount"),
                }
            )
        rows.append(row)
    if fmt == "json":
        return JsonResponse({"evaluation": evaluation.display_name, "files": rows})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["file"])
    writer.writeheader()
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{evaluation.display_name}.csv"'
    return response


@login_required
@require_POST
def model_delete(request: HttpRequest, project_id: int, model_id: int) -> HttpResponse:
    """Deletes a finished model; training cannot be cancelled, and a deployed model is refused
    by the resource (the refusal shows on the model page)."""
    from projects import services as project_services

    project = project_for_user(request.user, project_id, Role.EDITOR)
    model = get_object_or_404(CustomModel, id=model_id, project=project)
    if model.in_flight:
        messages.error(
            request, "Training cannot be cancelled; delete the model when it has finished."
        )
        return redirect("model_detail", project_id=project.id, model_id=model.id)
    project_services.entity_delete(row=model)
    audit.record(user=request.user, action=AuditAction.DELETED, target=model)
    messages.success(request, f"Deleting {model.display_name}.")
    return redirect(f"/projects/{project.id}/?tab=models")
