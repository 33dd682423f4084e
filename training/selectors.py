"""Reads for comparing models: the WER matrix and the chart over model versions."""

from __future__ import annotations

from datetime import UTC

from django.db.models import Q

from projects.models import Dataset
from training.models import BaseModel, CustomModel, Evaluation

CHART_WIDTH, CHART_HEIGHT, PAD = 640, 220, 36


def evaluations_of(model: CustomModel):
    """The tests of the model's project that test it, as either of their two models."""
    return Evaluation.objects.filter(
        Q(model1_url=model.self_url) | Q(model2_url=model.self_url), project=model.project
    )


def comparison(project) -> dict:
    """WER of every model on every test dataset (newest test wins), and a chart of the
    custom models' WER in the order they were made, one line per test dataset."""
    customs = {m.self_url: m for m in CustomModel.objects.filter(project=project)}
    bases = {b.self_url: b for b in BaseModel.objects.filter(resource=project.resource)}
    datasets = {d.self_url: d for d in Dataset.objects.filter(project=project)}
    cells: dict[tuple[str, str], float] = {}
    for evaluation in Evaluation.objects.filter(project=project, status="Succeeded").order_by(
        "remote_created_at"
    ):
        for n, url in ((1, evaluation.model1_url), (2, evaluation.model2_url)):
            wer = evaluation.properties.get(f"wordErrorRate{n}")
            if wer is not None and evaluation.dataset_url in datasets:
                cells[(url, evaluation.dataset_url)] = wer
    model_urls = sorted(
        {url for url, _ in cells},
        key=lambda u: (u not in bases, _created(customs.get(u) or bases.get(u))),
    )
    dataset_urls = sorted({d for _, d in cells}, key=lambda u: datasets[u].display_name)

    def name(url: str) -> str:
        if url in customs:
            return customs[url].display_name
        return f"Base {bases[url].display_name}" if url in bases else url.rsplit("/", 1)[-1]

    rows = [(name(m), [cells.get((m, d)) for d in dataset_urls]) for m in model_urls]
    versions = [u for u in model_urls if u in customs]
    lines = []
    top = max(cells.values(), default=1.0) or 1.0
    for index, d in enumerate(dataset_urls):
        points = []
        for x, url in enumerate(versions):
            if (url, d) in cells:
                px = PAD + (x * (CHART_WIDTH - 2 * PAD) / max(1, len(versions) - 1))
                py = CHART_HEIGHT - PAD - cells[(url, d)] / top * (CHART_HEIGHT - 2 * PAD)
                points.append((round(px, 1), round(py, 1), cells[(url, d)]))
        lines.append(
            {
                "dataset": datasets[d].display_name,
                "points": points,
                "colour": _colour(index),
                "path": " ".join(f"{x},{y}" for x, y, _ in points),
            }
        )
    return {
        "matrix_datasets": [datasets[d].display_name for d in dataset_urls],
        "matrix_rows": rows,
        "chart": {
            "lines": lines,
            "labels": [customs[u].display_name for u in versions],
            "width": CHART_WIDTH,
            "height": CHART_HEIGHT,
            "top": top,
        },
    }


def _created(row):
    from datetime import datetime

    return (
        row.remote_created_at if row and row.remote_created_at else datetime.min.replace(tzinfo=UTC)
    )


def _colour(index: int) -> str:
    return ["#2457d6", "#1f8a4c", "#b7791f", "#c53030", "#6b46c1"][index % 5]


def model_names(project) -> dict[str, str]:
    """Display names of the resource's custom and base models, by their `self` URL."""
    names = {
        m.self_url: m.display_name for m in CustomModel.objects.filter(resource=project.resource)
    }
    names.update(
        {
            b.self_url: f"Base model {b.display_name}"
            for b in BaseModel.objects.filter(resource=project.resource)
        }
    )
    return names
