"""The team dashboard's panels: each is one function of the user's teams that runs a fixed
number of queries, whatever the number of models, so every panel can poll on its own."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Min, Q
from django.db.models.functions import Least
from django.utils import timezone

from deployments.models import CopyOperation, CopyState, Endpoint
from lifecycle.models import PlanState, RetrainPlan
from lifecycle.services import days_left, expiry_horizon, threshold_now
from portal.mirror import IN_FLIGHT
from projects.models import Dataset, DatasetUpload, UploadState
from training.models import BaseModel, CustomModel, Evaluation

LIVE = {"deleted_remotely_at__isnull": True}
ROWS = 10
FAILURE_DAYS = 14


def _in_flight(teams) -> dict:
    return {"status__in": IN_FLIGHT, "project__team__in": teams, **LIVE}


def busy(teams) -> bool:
    """Anything in flight for these teams: while so, panels keep polling."""
    in_flight = _in_flight(teams)
    return (
        CustomModel.objects.filter(**in_flight).exists()
        or Evaluation.objects.filter(**in_flight).exists()
        or Dataset.objects.filter(**in_flight).exists()
        or Endpoint.objects.filter(**in_flight).exists()
        or DatasetUpload.objects.filter(
            project__team__in=teams, state=UploadState.UPLOADING
        ).exists()
        or CopyOperation.objects.filter(
            source__project__team__in=teams, state=CopyState.RUNNING
        ).exists()
        or RetrainPlan.objects.filter(
            current_model__project__team__in=teams,
            state__in=[PlanState.TRAINING, PlanState.TESTING],
        ).exists()
    )


def models_panel(teams) -> dict:
    models = CustomModel.objects.filter(project__team__in=teams, **LIVE)
    counts = dict(models.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    recent = models.select_related("project", "resource").order_by("-id")[:ROWS]
    return {"counts": sorted(counts.items()), "recent": recent, "total": sum(counts.values())}


def work_panel(teams) -> dict:
    in_flight = _in_flight(teams)
    now = timezone.now()
    rows = []
    for label, model in (
        ("Training", CustomModel),
        ("Testing", Evaluation),
        ("Processing", Dataset),
    ):
        for row in (
            model.objects.filter(**in_flight).select_related("project").order_by("id")[:ROWS]
        ):
            rows.append(
                {
                    "what": label,
                    "name": row.display_name,
                    "project": row.project,
                    "status": row.status,
                    "progress": f"{int((now - (row.remote_created_at or now)).total_seconds())} s",
                }
            )
    uploads = DatasetUpload.objects.filter(project__team__in=teams, state=UploadState.UPLOADING)
    for upload in uploads.select_related("project")[:ROWS]:
        rows.append(
            {
                "what": "Uploading",
                "name": upload.display_name or upload.file_name,
                "project": upload.project,
                "status": "Running",
                "progress": f"{upload.progress_percent} %",
            }
        )
    copies = CopyOperation.objects.filter(source__project__team__in=teams, state=CopyState.RUNNING)
    for copy in copies.select_related("source__project")[:ROWS]:
        rows.append(
            {
                "what": "Copying",
                "name": copy.source.display_name,
                "project": copy.source.project,
                "status": "Running",
                "progress": f"to {copy.target_region}",
            }
        )
    return {"work": rows}


def failures_panel(teams) -> dict:
    since = timezone.now() - timedelta(days=FAILURE_DAYS)
    failed = {"status": "Failed", "project__team__in": teams, **LIVE}
    rows = []
    for label, model in (
        ("Model", CustomModel),
        ("Test", Evaluation),
        ("Dataset", Dataset),
        ("Endpoint", Endpoint),
    ):
        recent = model.objects.filter(**failed).filter(
            Q(remote_last_action_at__gte=since) | Q(remote_last_action_at__isnull=True)
        )
        for row in recent.select_related("project").order_by("-id")[:ROWS]:
            reason = (row.error or {}).get("message") or "The resource gave no reason."
            rows.append(
                {
                    "what": label,
                    "name": row.display_name,
                    "project": row.project,
                    "reason": reason,
                    "at": row.remote_last_action_at,
                }
            )
    uploads = DatasetUpload.objects.filter(
        project__team__in=teams, state=UploadState.FAILED, updated_at__gte=since
    )
    copies = CopyOperation.objects.filter(
        source__project__team__in=teams, state=CopyState.FAILED, updated_at__gte=since
    )
    for upload in uploads.select_related("project").order_by("-updated_at")[:ROWS]:
        rows.append(
            {
                "what": "Upload",
                "name": upload.display_name or upload.file_name,
                "project": upload.project,
                "reason": upload.error,
                "at": upload.updated_at,
            }
        )
    for copy in copies.select_related("source__project").order_by("-updated_at")[:ROWS]:
        rows.append(
            {
                "what": "Copy",
                "name": copy.source.display_name,
                "project": copy.source.project,
                "reason": copy.error,
                "at": copy.updated_at,
            }
        )
    rows.sort(key=lambda r: r["at"] or since, reverse=True)
    return {"failures": rows[:ROWS]}


def expiring_panel(teams) -> dict:
    """Custom models whose transcription date is within 30 days (as their resource counts
    days), with the endpoints that would fall back and any retrain under way."""
    models = [
        m
        for m in CustomModel.objects.filter(
            project__team__in=teams,
            status="Succeeded",
            transcription_until__lt=expiry_horizon(),
            **LIVE,
        )
        .select_related("project", "resource")
        .order_by("transcription_until")[: ROWS * 5]
        if threshold_now(m.transcription_until, m.resource) is not None
    ][:ROWS]
    urls = [m.self_url for m in models]
    serving: dict[str, list[str]] = {}
    for url, name in Endpoint.objects.filter(model_url__in=urls, **LIVE).values_list(
        "model_url", "display_name"
    ):
        serving.setdefault(url, []).append(name)
    plans = {
        p.current_model_id: p
        for p in RetrainPlan.objects.filter(current_model__in=models).select_related("new_model")
    }
    rows = [
        {
            "model": m,
            "days": days_left(m.transcription_until, m.resource),
            "endpoints": serving.get(m.self_url, []),
            "plan": plans.get(m.id),
        }
        for m in models
    ]
    return {"expiring": rows}


def endpoints_panel(teams) -> dict:
    endpoints = list(
        Endpoint.objects.filter(project__team__in=teams, **LIVE)
        .select_related("project", "resource")
        .order_by("project__display_name", "display_name")[: ROWS * 5]
    )
    urls = {e.model_url for e in endpoints}
    served = {
        url: (name, until)
        for url, name, until in CustomModel.objects.filter(self_url__in=urls).values_list(
            "self_url", "display_name", "transcription_until"
        )
    }
    for url, name, until in BaseModel.objects.filter(self_url__in=urls).values_list(
        "self_url", "display_name", "transcription_until"
    ):
        served.setdefault(url, (f"Base model {name}", until))
    rows = []
    for endpoint in endpoints:
        name, until = served.get(endpoint.model_url, ("(unknown model)", None))
        rows.append(
            {
                "endpoint": endpoint,
                "model": name,
                "until": until,
                "days": days_left(until, endpoint.resource),
            }
        )
    return {"endpoints": rows}


def best_panel(teams) -> dict:
    best = (
        Evaluation.objects.filter(project__team__in=teams, status="Succeeded", **LIVE)
        .values("project_id", "project__display_name")
        .annotate(best=Min(Least("wer1", "wer2")), tests=Count("id"))
        .order_by("best")
    )
    return {"best": list(best[: ROWS * 10])}


BUILDERS = {
    "models": models_panel,
    "work": work_panel,
    "failures": failures_panel,
    "expiring": expiring_panel,
    "endpoints": endpoints_panel,
    "best": best_panel,
}


def panel(name: str, teams) -> dict:
    return {"panel": name, "busy": busy(teams), **BUILDERS[name](teams)}


def all_panels(teams) -> dict:
    context = {"busy": busy(teams)}
    for builder in BUILDERS.values():
        context.update(builder(teams))
    return context
