"""Reads for projects."""

from __future__ import annotations

from django.db.models import QuerySet

from portal.access import teams_for_user
from projects.models import Dataset, Project

MODELS_PER_PAGE = 50


def projects_for_user(*, user) -> QuerySet[Project]:
    return (
        Project.objects.filter(team__in=teams_for_user(user), deleted_remotely_at__isnull=True)
        .select_related("resource", "team")
        .order_by("display_name")
    )


def project_tab(*, project: Project, tab: str, page_number: str | None = None) -> dict:
    from deployments.models import Endpoint
    from training.models import CustomModel, Evaluation

    live = {"deleted_remotely_at__isnull": True}
    loose = {
        "resource": project.resource,
        "project__isnull": True,
        "locale": project.locale,
        **live,
    }
    if tab == "datasets":
        return {
            "rows": project.datasets.filter(**live),
            "uploads": project.uploads.filter(state__in=["uploading", "failed"]),
            "unconnected": Dataset.objects.filter(**loose),
            "kind": "datasets",
        }
    if tab == "models":
        from django.core.paginator import Paginator

        models = CustomModel.objects.filter(project=project, **live).select_related("resource")
        page = Paginator(models, MODELS_PER_PAGE).get_page(page_number)
        return {
            "rows": page.object_list,
            "page": page,
            "unconnected": CustomModel.objects.filter(**loose),
            "kind": "models",
        }
    if tab == "tests":
        from training.selectors import comparison

        return {"rows": Evaluation.objects.filter(project=project, **live), **comparison(project)}
    return {"rows": Endpoint.objects.filter(project=project, **live)}


def unconnected_entity(*, project: Project, kind: str, pk: str):
    from training.models import CustomModel

    model = {"datasets": Dataset, "models": CustomModel}.get(kind)
    if model is None or not str(pk).isdigit():
        return None
    return model.objects.filter(
        id=pk, resource=project.resource, project__isnull=True, locale=project.locale
    ).first()


def dataset_page(*, dataset) -> dict:
    upload = getattr(dataset, "upload", None)
    accepted = []
    if upload is not None and upload.report and dataset.kind == "Acoustic":
        accepted = [(name, text) for name, text in upload.report.get("accepted", [])]
    report = dataset.report or (upload.report if upload else None) or {}
    return {
        "dataset": dataset,
        "project": dataset.project,
        "upload": upload,
        "report": report,
        "rejected": report.get("rejected", [])[:1000],
        "audio": accepted[:200],
    }
