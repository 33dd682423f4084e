"""Training custom models and testing them: the wizard's steps, remote creates as tasks, the
automatic test after training, and what a test's results mean."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from projects.models import Dataset, Project
from training.models import BaseModel, CustomModel, Evaluation, TrainingDraft


class TrainingRefused(ValueError):
    """The choice cannot be trained with; the message says why, before any call is made."""


def base_models_for(project: Project):
    return BaseModel.objects.filter(
        resource=project.resource, locale=project.locale, deleted_remotely_at__isnull=True
    ).order_by("-remote_created_at")


def adaptation_refusal(base: BaseModel) -> str | None:
    if base.adaptation_until and base.adaptation_until <= timezone.now():
        return (
            f"Base model {base.display_name} can no longer be used for training: its adaptation "
            f"date was {base.adaptation_until:%Y-%m-%d}. Choose a newer base model."
        )
    return None


def dataset_refusal(base: BaseModel | None, dataset: Dataset) -> str | None:
    if dataset.status != "Succeeded":
        state = dataset.status or "not ready"
        return f"{dataset.display_name} is {state}; only succeeded datasets train."
    if base is not None and dataset.kind not in base.adapts_with:
        return (
            f"Base model {base.display_name} cannot adapt with {dataset.kind} data; "
            f"it adapts with {', '.join(base.adapts_with) or 'nothing'}."
        )
    return None


def draft_start(
    *, project: Project, user, base_model: BaseModel | None = None, datasets=(), **fields
) -> TrainingDraft:
    draft = TrainingDraft.objects.create(
        project=project, created_by=user, base_model=base_model, **fields
    )
    if datasets:
        draft.datasets.set(datasets)
    return draft


def draft_set_base(*, draft: TrainingDraft, base: BaseModel) -> None:
    if base.resource_id != draft.project.resource_id or base.locale != draft.project.locale:
        raise TrainingRefused("That base model is not one of this project's resource and locale.")
    refusal = adaptation_refusal(base)
    if refusal:
        raise TrainingRefused(refusal)
    draft.base_model = base
    draft.save(update_fields=["base_model"])
    # Data the new base model cannot use is dropped from the choice, not silently trained on.
    draft.datasets.set([d for d in draft.datasets.all() if dataset_refusal(base, d) is None])


def draft_set_datasets(*, draft: TrainingDraft, datasets: list[Dataset]) -> None:
    if not datasets:
        raise TrainingRefused("Choose at least one dataset to train with.")
    for dataset in datasets:
        if dataset.project_id != draft.project_id:
            raise TrainingRefused(f"{dataset.display_name} is not a dataset of this project.")
        refusal = dataset_refusal(draft.base_model, dataset)
        if refusal:
            raise TrainingRefused(refusal)
    kinds = {d.kind for d in datasets}
    if {"LanguageMarkdown", "Pronunciation"} <= kinds:
        raise TrainingRefused(
            "A LanguageMarkdown dataset cannot be combined with a separate Pronunciation dataset."
        )
    draft.datasets.set(datasets)


def draft_set_details(
    *, draft: TrainingDraft, display_name: str, description: str, weight_percent: int | None
):
    draft.display_name, draft.description, draft.weight_percent = (
        display_name,
        description,
        weight_percent,
    )
    draft.save(update_fields=["display_name", "description", "weight_percent"])


def draft_set_test(*, draft: TrainingDraft, test_dataset: Dataset | None) -> None:
    if test_dataset is not None and (
        test_dataset.project_id != draft.project_id or test_dataset.kind != "Acoustic"
    ):
        raise TrainingRefused(
            "A test needs an Acoustic dataset (audio + transcript) of this project."
        )
    draft.test_dataset = test_dataset
    draft.save(update_fields=["test_dataset"])


def draft_submit(*, draft: TrainingDraft) -> CustomModel:
    """Saves the model's intent and queues its creation; submitting twice makes one model."""
    from training import tasks

    if draft.base_model is None or not draft.display_name:
        raise TrainingRefused("Choose a base model and a name first.")
    refusal = adaptation_refusal(draft.base_model)
    if refusal:
        raise TrainingRefused(refusal)
    with transaction.atomic():
        draft = TrainingDraft.objects.select_for_update().get(id=draft.id)
        if draft.model_id:
            return draft.model
        model = CustomModel.objects.create(
            resource=draft.project.resource,
            project=draft.project,
            display_name=draft.display_name,
            description=draft.description,
            locale=draft.project.locale,
            status="NotStarted",
            base_model_url=draft.base_model.self_url,
        )
        draft.model = model
        draft.save(update_fields=["model"])
        tasks.model_create_remote.delay_on_commit(model.id)
    return model


def model_body(model: CustomModel) -> dict:
    draft = model.draft
    body = {
        "displayName": model.display_name,
        "description": model.description,
        "locale": model.locale,
        "project": {"self": model.project.self_url},
        "baseModel": {"self": draft.base_model.self_url},
        "datasets": [{"self": d.self_url} for d in draft.datasets.all()],
    }
    if draft.weight_percent:
        body["properties"] = {"customModelWeightPercent": draft.weight_percent}
    return body


def retrain(*, model: CustomModel, user) -> TrainingDraft:
    """Same datasets and settings on the newest base model that can still adapt."""
    project = model.project
    newest = next((b for b in base_models_for(project) if adaptation_refusal(b) is None), None)
    if newest is None:
        raise TrainingRefused("No base model of this resource can be used for training now.")
    old = getattr(model, "draft", None)
    datasets = list(old.datasets.all()) if old else []
    draft = draft_start(
        project=project,
        user=user,
        base_model=newest,
        datasets=datasets,
        display_name=f"{model.display_name} (retrained {timezone.now():%Y-%m-%d})",
        description=model.description,
        weight_percent=old.weight_percent if old else None,
        test_dataset=old.test_dataset if old else None,
    )
    draft_submit(draft=draft)
    draft.refresh_from_db()
    return draft


# Tests -------------------------------------------------------------------------------------------


def evaluation_create(
    *, project: Project, model1_url: str, model2_url: str, dataset: Dataset, display_name: str
) -> Evaluation:
    """A test of one model (sent twice, as the API expects) or two, on a dataset of the project."""
    from training import tasks

    if dataset.project_id != project.id or dataset.kind not in ("Acoustic", "AudioFiles"):
        raise TrainingRefused("A test needs an Acoustic or AudioFiles dataset of this project.")
    evaluation = Evaluation.objects.create(
        resource=project.resource,
        project=project,
        display_name=display_name,
        locale=project.locale,
        status="NotStarted",
        model1_url=model1_url,
        model2_url=model2_url or model1_url,
        dataset_url=dataset.self_url,
    )
    tasks.evaluation_create_remote.delay_on_commit(evaluation.id)
    return evaluation


def evaluation_body(evaluation: Evaluation) -> dict:
    return {
        "displayName": evaluation.display_name,
        "locale": evaluation.locale,
        "project": {"self": evaluation.project.self_url},
        "model1": {"self": evaluation.model1_url},
        "model2": {"self": evaluation.model2_url},
        "dataset": {"self": evaluation.dataset_url},
    }


def auto_test_after_training(model: CustomModel) -> Evaluation | None:
    """When a model trained with "Add test" succeeds, test it against its base model once."""
    draft = getattr(model, "draft", None)
    if (
        draft is None
        or draft.test_dataset is None
        or draft.evaluation_id
        or model.status != "Succeeded"
    ):
        return None
    with transaction.atomic():
        draft = TrainingDraft.objects.select_for_update().get(id=draft.id)
        if draft.evaluation_id:
            return None
        evaluation = evaluation_create(
            project=model.project,
            model1_url=draft.base_model.self_url,
            model2_url=model.self_url,
            dataset=draft.test_dataset,
            display_name=f"{model.display_name} vs base model",
        )
        draft.evaluation = evaluation
        draft.save(update_fields=["evaluation"])
    return evaluation


# What results mean (RULES.md) ---------------------------------------------------------------


def quality_band(wer: float | None) -> tuple[str, str]:
    if wer is None:
        return "unknown", "No result yet."
    if wer <= 0.10:
        return "good", "Good: 5 to 10 % is the documented range of good quality."
    if wer <= 0.20:
        return "acceptable", "Acceptable: around 20 % is usable, more training helps."
    if wer < 0.30:
        return "fair", "Between acceptable and poor: add data from your domain."
    return "poor", "Poor: 30 % or more; train with data from your domain."


def diagnosis(props: dict, n: int) -> str:
    deletions = props.get(f"wordDeletionCount{n}", 0)
    insertions = props.get(f"wordInsertionCount{n}", 0)
    substitutions = props.get(f"wordSubstitutionCount{n}", 0)
    largest = max(
        (deletions, "deletions"), (insertions, "insertions"), (substitutions, "substitutions")
    )
    if largest[0] == 0:
        return "No errors."
    return {
        "deletions": "Mostly deletions: the signal may be weak (low volume, distance, "
        "compression).",
        "insertions": "Mostly insertions: noise or crosstalk is being heard as words.",
        "substitutions": "Mostly substitutions: domain terms are missing; train with related "
        "text and pronunciations.",
    }[largest[1]]
