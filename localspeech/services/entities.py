"""Creating, changing and deleting the API's entities, with the product's rules.

Every long job (import, training, evaluation, transcription, copy) is enqueued on the `engine`
queue after commit; the API answers at once with the entity in `NotStarted`.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q

from localspeech import catalog, clock
from localspeech.engine.training import DEFAULT_WEIGHT_PERCENT as DEFAULT_MODEL_WEIGHT
from localspeech.errors import ApiError, bad_request, conflict, not_found
from localspeech.models import TERMINAL, CopyAuthorization, CopyOperation, Entity, Kind, Status
from localspeech.services.urls import UrlRefused, check_url
from localspeech.storage import remove_entity_files
from speechformats.datasets import KINDS as DATASET_KINDS
from speechformats.datasets import safe_file_name

MAX_TEXT_BYTES = 500 * 1024
TOKEN_ERROR_CAUSES = (
    "punctuation",
    "capitalization",
    "inverseTextNormalization",
    "lexical",
    "others",
)
EVALUATION_COUNTS = [
    "wordErrorRate",
    "sentenceErrorRate",
    "tokenErrorRate",
    "sentenceCount",
    "wordCount",
    "correctWordCount",
    "wordSubstitutionCount",
    "wordDeletionCount",
    "wordInsertionCount",
    "tokenCount",
    "correctTokenCount",
    "tokenSubstitutionCount",
    "tokenDeletionCount",
    "tokenInsertionCount",
]
WEBHOOK_EVENTS = [
    "datasetCreation",
    "datasetProcessing",
    "datasetCompletion",
    "datasetDeletion",
    "modelCreation",
    "modelProcessing",
    "modelCompletion",
    "modelDeletion",
    "evaluationCreation",
    "evaluationProcessing",
    "evaluationCompletion",
    "evaluationDeletion",
    "transcriptionCreation",
    "transcriptionProcessing",
    "transcriptionCompletion",
    "transcriptionDeletion",
    "endpointCreation",
    "endpointProcessing",
    "endpointCompletion",
    "endpointDeletion",
    "ping",
    "challenge",
]


# Lookups --------------------------------------------------------------------------------------


def get_entity(resource, kind: str, entity_id, label: str | None = None) -> Entity:
    try:
        wanted = uuid.UUID(str(entity_id))
    except ValueError as exc:
        raise bad_request(f"{entity_id!r} is not an id (a UUID).", "InvalidParameterValue") from exc
    found = Entity.objects.filter(resource=resource, kind=kind, id=wanted).first()
    if found is None:
        raise not_found(f"{label or kind[:-1].capitalize()} {entity_id}")
    return found


def entities(resource, kind: str, project: Entity | None = None):
    queryset = Entity.objects.filter(resource=resource, kind=kind)
    if project is not None:
        queryset = queryset.filter(project=project)
    if kind == Kind.PROJECT:
        queryset = queryset.annotate(
            **{
                f"n_{k}": Count("members", filter=Q(members__kind=k))
                for k in (
                    Kind.DATASET,
                    Kind.MODEL,
                    Kind.EVALUATION,
                    Kind.ENDPOINT,
                    Kind.TRANSCRIPTION,
                )
            }
        )
    return queryset.order_by("created_at", "id")


def with_counts(project: Entity) -> Entity:
    counts = {}
    for kind in (Kind.DATASET, Kind.MODEL, Kind.EVALUATION, Kind.ENDPOINT, Kind.TRANSCRIPTION):
        value = getattr(project, f"n_{kind}", None)
        counts[kind] = value if value is not None else project.members.filter(kind=kind).count()
    project.props["_counts"] = counts
    return project


# Shared field rules ---------------------------------------------------------------------------


def _string(data: dict, name: str, required: bool = False, max_length: int = 500) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise bad_request(f"'{name}' is required.", target=name)
        return None
    if not isinstance(value, str):
        raise bad_request(f"'{name}' must be a string, not {type(value).__name__}.", target=name)
    if required and not value.strip():
        raise bad_request(f"'{name}' must not be empty.", target=name)
    if len(value) > max_length:
        raise bad_request(f"'{name}' is longer than {max_length} characters.", target=name)
    return value


def _locale(data: dict, supported: tuple[str, ...] = catalog.LOCALES) -> str:
    locale = _string(data, "locale", required=True, max_length=20)
    if locale not in supported:
        raise ApiError(
            400,
            "InvalidArgument",
            f"Locale {locale!r} is not supported here; supported: {', '.join(supported)}.",
            "InvalidLocale",
            "locale",
        )
    return locale


def _custom_properties(data: dict) -> dict | None:
    value = data.get("customProperties")
    if value is not None and (
        not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values())
    ):
        raise bad_request(
            "'customProperties' must be an object of string values.", target="customProperties"
        )
    return value


def _reference_id(value, field: str, kind: str) -> tuple[str, bool]:
    from localspeech.api.base import parse_reference

    _ref_kind, ref_id, is_base = parse_reference(value, field, (kind,))
    return ref_id, is_base


def _project(resource, data: dict, locale: str | None) -> Entity | None:
    if data.get("project") is None:
        return None
    project_id, _ = _reference_id(data["project"], "project", "projects")
    project = Entity.objects.filter(resource=resource, kind=Kind.PROJECT, id=project_id).first()
    if project is None:
        raise ApiError(
            400,
            "InvalidArgument",
            f"Project {project_id} does not exist on this resource.",
            "InvalidProject",
            "project",
        )
    if locale and project.locale != locale:
        raise ApiError(
            400,
            "InvalidArgument",
            f"The project's locale is {project.locale}, not {locale}: an entity must have its "
            "project's locale.",
            "InvalidLocale",
            "locale",
        )
    return project


def _apply_update(entity: Entity, data: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise bad_request(
            f"{unknown[0]!r} cannot be changed here; updatable: {', '.join(allowed)}.",
            target=unknown[0],
        )
    if "displayName" in data:
        entity.display_name = _string(data, "displayName", required=True)
    if "description" in data:
        entity.doc["description"] = _string(data, "description", max_length=5000)
    if "customProperties" in data:
        entity.doc["customProperties"] = _custom_properties(data)
    if "project" in data and entity.kind != Kind.PROJECT:
        entity.project = _project(entity.resource, data, entity.locale) if data["project"] else None
    entity.touch()


def _new(resource, kind: str, data: dict, locale: str, origin: str, **fields) -> Entity:
    return Entity(
        resource=resource,
        kind=kind,
        display_name=_string(data, "displayName", required=True),
        locale=locale,
        created_at=clock.now(),
        last_action_at=clock.now(),
        doc={
            "description": _string(data, "description", max_length=5000),
            "customProperties": _custom_properties(data),
            "_origin": origin,
        },
        **fields,
    )


def _enqueue(task_name: str, entity_id) -> None:
    from localspeech import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(str(entity_id)))


def _properties_object(data: dict) -> dict:
    properties = data.get("properties") or {}
    if not isinstance(properties, dict):
        raise bad_request("'properties' must be an object.", target="properties")
    return properties


def _created(entity: Entity, event: str, task_name: str) -> Entity:
    """Saves a new entity, tells the web hooks, and queues its job."""
    entity.save()
    notify(entity, event)
    _enqueue(task_name, entity.id)
    return entity


def notify(entity: Entity, event: str) -> None:
    """Queues the event for the resource's web hooks, if any of them wants it."""
    from localspeech import tasks

    hooks = Entity.objects.filter(
        resource_id=entity.resource_id, kind=Kind.WEBHOOK, status=Status.SUCCEEDED
    )
    if not any(hook.doc.get("events", {}).get(event) for hook in hooks):
        return
    entity_id, resource_id = str(entity.id), str(entity.resource_id)
    transaction.on_commit(lambda: tasks.webhook_event.delay(resource_id, entity_id, event))


# Projects -------------------------------------------------------------------------------------


def project_create(resource, data: dict, origin: str) -> Entity:
    locale = _locale(data)
    project = _new(resource, Kind.PROJECT, data, locale, origin, status=Status.SUCCEEDED)
    project.save()
    return with_counts(project)


def project_update(project: Entity, data: dict) -> Entity:
    _apply_update(project, data, ("displayName", "description", "customProperties"))
    project.save()
    return with_counts(project)


def project_delete(project: Entity) -> None:
    """Entities of the project stay on the resource, no longer connected to a project."""
    project.delete()


# Datasets -------------------------------------------------------------------------------------


def _dataset_kind(data: dict) -> str:
    kind = _string(data, "kind", required=True, max_length=30)
    if kind not in DATASET_KINDS:
        raise bad_request(
            f"'kind' must be one of {', '.join(DATASET_KINDS)}, not {kind!r}.", target="kind"
        )
    return kind


def dataset_create(resource, data: dict, origin: str) -> Entity:
    kind = _dataset_kind(data)
    locale = _locale(data)
    project = _project(resource, data, locale)
    content_url = data.get("contentUrl")
    dataset = _new(resource, Kind.DATASET, data, locale, origin, project=project, dataset_kind=kind)
    dataset.props.update(
        textNormalizationKind="Default", acceptedLineCount=0, rejectedLineCount=0, duration="PT0S"
    )
    normalization = (data.get("properties") or {}).get("textNormalizationKind")
    if normalization is not None:
        if normalization not in ("Default", "None"):
            raise bad_request(
                "'properties.textNormalizationKind' must be Default or None.",
                target="textNormalizationKind",
            )
        dataset.props["textNormalizationKind"] = normalization
    if content_url is not None:
        try:
            dataset.doc["contentUrl"] = check_url(content_url, "contentUrl")
        except UrlRefused as exc:
            raise ApiError(
                400, "InvalidArgument", str(exc), "InvalidParameterValue", "contentUrl"
            ) from exc
    else:
        dataset.doc["uploadByBlocks"] = True
    dataset.save()
    notify(dataset, "datasetCreation")
    if content_url is not None:
        _enqueue("dataset_import", dataset.id)
    return dataset


def dataset_upload(resource, fields: dict, upload, origin: str) -> Entity:
    """The deprecated multipart upload: the file arrives with the request."""
    from localspeech.storage import work_dir

    if upload is None:
        raise bad_request("The multipart form has no 'data' file.", target="data")
    data = dict(fields)
    if data.get("project"):
        project_id = data["project"]
        data["project"] = {"self": f"/speechtotext/v3.2/projects/{project_id.rsplit('/', 1)[-1]}"}
    dataset = dataset_create(resource, {**data, "contentUrl": None}, origin)
    dataset.doc.pop("uploadByBlocks", None)
    dataset.doc.pop("contentUrl", None)
    target = work_dir(resource.id, dataset.id, "upload") / safe_file_name(upload.name)
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    dataset.doc["uploadedFile"] = str(target)
    dataset.save()
    _enqueue("dataset_import", dataset.id)
    return dataset


def dataset_update(dataset: Entity, data: dict) -> Entity:
    _apply_update(dataset, data, ("displayName", "description", "customProperties", "project"))
    dataset.save()
    return dataset


def _models_using(dataset: Entity):
    return [
        m
        for m in Entity.objects.filter(resource=dataset.resource, kind=Kind.MODEL)
        if str(dataset.id) in m.doc.get("datasets", [])
    ]


def dataset_delete(dataset: Entity) -> None:
    busy = [m for m in _models_using(dataset) if m.status not in TERMINAL]
    busy += list(
        Entity.objects.filter(
            resource=dataset.resource, kind=Kind.EVALUATION, doc__dataset=str(dataset.id)
        ).exclude(status__in=TERMINAL)
    )
    if busy:
        raise conflict(
            f"Dataset {dataset.id} is in use by {busy[0].kind[:-1]} {busy[0].id}, which is still "
            "running."
        )
    notify(dataset, "datasetDeletion")
    remove_entity_files(dataset.resource_id, dataset.id)
    dataset.delete()


# Custom models --------------------------------------------------------------------------------


def _base_model_for(data: dict, locale: str, field: str = "baseModel") -> catalog.BaseModel:
    if data.get(field) is None:
        base = catalog.newest_base_model(locale)
        if base is None:
            raise ApiError(
                400, "InvalidArgument", f"No base model for {locale}.", "InvalidBaseModel", field
            )
        return base
    base_id, is_base = _reference_id(data[field], field, "models")
    base = catalog.base_model(base_id) if is_base else None
    if base is None:
        raise ApiError(
            400,
            "InvalidArgument",
            f"'{field}' is not a base model of this resource: {base_id}.",
            "InvalidBaseModel",
            field,
        )
    if base.locale != locale:
        raise ApiError(
            400,
            "InvalidArgument",
            f"Base model {base.display_name} is {base.locale}, not {locale}.",
            "InvalidLocale",
            "locale",
        )
    return base


def model_create(resource, data: dict, origin: str) -> Entity:
    locale = _locale(data)
    project = _project(resource, data, locale)
    base = _base_model_for(data, locale)
    now = clock.now()
    if not base.can_adapt(now):
        raise ApiError(
            400,
            "InvalidArgument",
            f"Base model {base.display_name} can no longer be used for training: its adaptation "
            f"date was {clock.iso(base.adaptation_until)}. Choose a newer base model.",
            "ModelDeprecated",
            "baseModel",
        )
    text = data.get("text")
    if text is not None and (not isinstance(text, str) or len(text.encode()) > MAX_TEXT_BYTES):
        raise bad_request("'text' must be a string of at most 500 KB.", target="text")
    refs = data.get("datasets")
    if refs is None and not text:
        raise bad_request("'datasets' is required: the datasets to train with.", target="datasets")
    if refs is not None and not isinstance(refs, list):
        raise bad_request(
            "'datasets' must be a list of {\"self\": url} references.", target="datasets"
        )
    datasets = []
    for index, ref in enumerate(refs or []):
        dataset_id, _ = _reference_id(ref, f"datasets[{index}]", "datasets")
        dataset = Entity.objects.filter(resource=resource, kind=Kind.DATASET, id=dataset_id).first()
        if dataset is None:
            raise ApiError(
                400,
                "InvalidArgument",
                f"Dataset {dataset_id} does not exist on this resource.",
                "InvalidDataset",
                f"datasets[{index}]",
            )
        if dataset.status != Status.SUCCEEDED:
            raise ApiError(
                400,
                "InvalidArgument",
                f"Dataset {dataset.display_name!r} is {dataset.status}; only succeeded datasets "
                "can be used for training.",
                "FailedDataset",
                f"datasets[{index}]",
            )
        if dataset.locale != locale:
            raise ApiError(
                400,
                "InvalidArgument",
                f"Dataset {dataset.display_name!r} is {dataset.locale}, not {locale}.",
                "InvalidLocale",
                f"datasets[{index}]",
            )
        if dataset.dataset_kind not in base.adapts_with:
            raise ApiError(
                400,
                "InvalidArgument",
                f"Base model {base.display_name} cannot adapt with {dataset.dataset_kind} data "
                f"(dataset {dataset.display_name!r}); it adapts with "
                f"{', '.join(base.adapts_with)}.",
                "InvalidAdaptationMapping",
                f"datasets[{index}]",
            )
        datasets.append(dataset)
    kinds = {d.dataset_kind for d in datasets}
    if {"LanguageMarkdown", "Pronunciation"} <= kinds:
        raise ApiError(
            400,
            "InvalidArgument",
            "A LanguageMarkdown dataset cannot be combined with a separate Pronunciation "
            "dataset; put the pronunciations in its @ speech:phoneticlexicon section.",
            "InvalidAdaptationMapping",
            "datasets",
        )
    properties = _properties_object(data)
    weight = properties.get("customModelWeightPercent")
    if weight is not None and (
        not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 100
    ):
        raise bad_request(
            "'properties.customModelWeightPercent' must be a whole number from 1 to 100.",
            target="customModelWeightPercent",
        )
    model = _new(resource, Kind.MODEL, data, locale, origin, project=project)
    model.doc.update(baseModel=str(base.id), datasets=[str(d.id) for d in datasets], text=text)
    model.props["customModelWeightPercent"] = weight if weight is not None else DEFAULT_MODEL_WEIGHT
    if properties.get("email"):
        model.props["email"] = str(properties["email"])
    return _created(model, "modelCreation", "model_train")


def model_update(model: Entity, data: dict) -> Entity:
    _apply_update(model, data, ("displayName", "description", "customProperties", "project"))
    model.save()
    return model


def model_delete(model: Entity) -> None:
    if model.status not in TERMINAL:
        raise conflict(
            f"Model {model.id} is still training ({model.status}); training cannot be cancelled, "
            "delete it when it has finished.",
            "DeleteNotAllowed",
        )
    serving = Entity.objects.filter(
        resource=model.resource, kind=Kind.ENDPOINT, doc__model__id=str(model.id)
    ).first()
    if serving:
        raise conflict(
            f"Model {model.id} is deployed to endpoint {serving.display_name!r} ({serving.id}); "
            "delete the endpoint or change its model first."
        )
    notify(model, "modelDeletion")
    remove_entity_files(model.resource_id, model.id)
    model.delete()


def resolve_model(resource, value, field: str, locale: str) -> dict:
    """A base or custom model reference checked for use in recognition, as {"id", "base"}."""
    model_id, is_base = _reference_id(value, field, "models")
    now = clock.now()
    if is_base:
        base = catalog.base_model(model_id)
        if base is None:
            raise ApiError(
                400,
                "InvalidArgument",
                f"Base model {model_id} does not exist.",
                "InvalidModelUri",
                field,
            )
        if base.locale != locale:
            raise ApiError(
                400,
                "InvalidArgument",
                f"Base model {base.display_name} is {base.locale}, not {locale}.",
                "InvalidLocale",
                field,
            )
        if not base.can_transcribe(now):
            raise ApiError(
                400,
                "InvalidArgument",
                f"Base model {base.display_name} expired for transcription on "
                f"{clock.iso(base.transcription_until)}.",
                "ModelDeprecated",
                field,
            )
        return {"id": str(base.id), "base": True}
    model = Entity.objects.filter(resource=resource, kind=Kind.MODEL, id=model_id).first()
    if model is None:
        raise ApiError(
            400,
            "InvalidArgument",
            f"Model {model_id} does not exist on this resource.",
            "InvalidModelUri",
            field,
        )
    if model.status != Status.SUCCEEDED:
        raise ApiError(
            400,
            "InvalidArgument",
            f"Model {model.display_name!r} is {model.status}; only succeeded models can be used.",
            "InvalidModel",
            field,
        )
    if model.locale != locale:
        raise ApiError(
            400,
            "InvalidArgument",
            f"Model {model.display_name!r} is {model.locale}, not {locale}.",
            "InvalidLocale",
            field,
        )
    if not model_can_transcribe(model):
        raise ApiError(
            400,
            "InvalidArgument",
            f"Model {model.display_name!r} expired for transcription.",
            "ModelDeprecated",
            field,
        )
    return {"id": str(model.id), "base": False}


def model_can_transcribe(model: Entity) -> bool:
    return clock.now() < clock.transcription_deadline(model.created_at)


# Evaluations ----------------------------------------------------------------------------------


def evaluation_create(resource, data: dict, origin: str) -> Entity:
    locale = _locale(data)
    project = _project(resource, data, locale)
    model1 = resolve_model(resource, data.get("model1"), "model1", locale)
    model2 = resolve_model(resource, data.get("model2"), "model2", locale)
    dataset_id, _ = _reference_id(data.get("dataset"), "dataset", "datasets")
    dataset = Entity.objects.filter(resource=resource, kind=Kind.DATASET, id=dataset_id).first()
    if dataset is None:
        raise ApiError(
            400,
            "InvalidArgument",
            f"Dataset {dataset_id} does not exist on this resource.",
            "InvalidDataset",
            "dataset",
        )
    if dataset.dataset_kind not in ("Acoustic", "AudioFiles"):
        raise ApiError(
            400,
            "InvalidArgument",
            "A test needs an Acoustic (audio + transcript) or AudioFiles dataset, not "
            f"{dataset.dataset_kind}.",
            "InvalidDataset",
            "dataset",
        )
    if dataset.status != Status.SUCCEEDED:
        raise ApiError(
            400,
            "InvalidArgument",
            f"Dataset {dataset.display_name!r} is {dataset.status}; only succeeded datasets can "
            "be tested.",
            "FailedDataset",
            "dataset",
        )
    if dataset.locale != locale:
        raise ApiError(
            400,
            "InvalidArgument",
            f"Dataset {dataset.display_name!r} is {dataset.locale}, not {locale}.",
            "InvalidLocale",
            "dataset",
        )
    evaluation = _new(resource, Kind.EVALUATION, data, locale, origin, project=project)
    evaluation.doc.update(model1=model1, model2=model2, dataset=str(dataset.id))
    for n in (1, 2):
        for name in EVALUATION_COUNTS:
            evaluation.props[f"{name}{n}"] = 0.0 if name.endswith("Rate") else 0
        evaluation.props[f"tokenErrors{n}"] = {
            cause: {"numberOfEdits": 0, "percentageOfAllEdits": 0.0} for cause in TOKEN_ERROR_CAUSES
        }
    evaluation.save()
    # Each side of a test is a batch transcription of the test set, as the service reports.
    for n in (1, 2):
        transcription = Entity.objects.create(
            resource=resource,
            kind=Kind.TRANSCRIPTION,
            project=project,
            display_name=f"{evaluation.display_name} (model {n})",
            locale=locale,
            created_at=clock.now(),
            last_action_at=clock.now(),
            doc={
                "dataset": str(dataset.id),
                "model": evaluation.doc[f"model{n}"],
                "_origin": origin,
                "customProperties": {"evaluation": str(evaluation.id), "side": f"model{n}"},
            },
            props={**TRANSCRIPTION_DEFAULTS},
        )
        evaluation.doc[f"transcription{n}"] = str(transcription.id)
    return _created(evaluation, "evaluationCreation", "evaluation_run")


def evaluation_update(evaluation: Entity, data: dict) -> Entity:
    _apply_update(evaluation, data, ("displayName", "description", "customProperties", "project"))
    evaluation.save()
    return evaluation


def simple_delete(entity: Entity, event: str) -> None:
    notify(entity, event)
    remove_entity_files(entity.resource_id, entity.id)
    entity.delete()


# Endpoints ------------------------------------------------------------------------------------


def endpoint_create(resource, data: dict, origin: str) -> Entity:
    locale = _locale(data)
    project = _project(resource, data, locale)
    model = resolve_model(resource, data.get("model"), "model", locale)
    properties = _properties_object(data)
    logging_enabled = properties.get("loggingEnabled", False)
    if not isinstance(logging_enabled, bool):
        raise bad_request(
            "'properties.loggingEnabled' must be true or false.", target="loggingEnabled"
        )
    endpoint = _new(resource, Kind.ENDPOINT, data, locale, origin, project=project)
    endpoint.doc.update(model=model, text=data.get("text"))
    endpoint.props["loggingEnabled"] = logging_enabled
    if properties.get("timeToLive"):
        endpoint.props["timeToLive"] = str(properties["timeToLive"])
    return _created(endpoint, "endpointCreation", "endpoint_deploy")


def endpoint_update(endpoint: Entity, data: dict) -> Entity:
    data = dict(data)
    properties = data.pop("properties", None)
    model = data.pop("model", None)
    _apply_update(endpoint, data, ("displayName", "description", "customProperties", "project"))
    if properties is not None:
        if not isinstance(properties, dict) or set(properties) - {"contentLoggingEnabled"}:
            raise bad_request(
                "'properties' may only hold 'contentLoggingEnabled' on update (use "
                "'loggingEnabled' only when creating).",
                target="properties",
            )
        flag = properties.get("contentLoggingEnabled")
        if flag is not None:
            if not isinstance(flag, bool):
                raise bad_request(
                    "'properties.contentLoggingEnabled' must be true or false.",
                    target="contentLoggingEnabled",
                )
            endpoint.props["loggingEnabled"] = flag
    if model is not None:
        endpoint.doc["model"] = resolve_model(endpoint.resource, model, "model", endpoint.locale)
        endpoint.touch(Status.RUNNING)
        endpoint.save()
        notify(endpoint, "endpointProcessing")
        _enqueue("endpoint_deploy", endpoint.id)
        return endpoint
    endpoint.save()
    return endpoint


# Transcriptions -------------------------------------------------------------------------------

PUNCTUATION_MODES = ("None", "Dictated", "Automatic", "DictatedAndAutomatic")
PROFANITY_MODES = ("None", "Removed", "Tags", "Masked")
TRANSCRIPTION_DEFAULTS = {
    "diarizationEnabled": False,
    "wordLevelTimestampsEnabled": False,
    "displayFormWordLevelTimestampsEnabled": False,
    "channels": [0, 1],
    "punctuationMode": "DictatedAndAutomatic",
    "profanityFilterMode": "Masked",
    "duration": "PT0S",
}


def transcription_create(resource, data: dict, origin: str) -> Entity:
    locale = _locale(data)
    project = _project(resource, data, locale)
    sources = [k for k in ("contentUrls", "contentContainerUrl", "dataset") if data.get(k)]
    if len(sources) != 1:
        raise ApiError(
            400,
            "InvalidArgument",
            "Give exactly one of 'contentUrls', 'contentContainerUrl' or 'dataset'.",
            "OnlyOneOfUrlsOrContainerOrDataset",
        )
    transcription = _new(resource, Kind.TRANSCRIPTION, data, locale, origin, project=project)
    if data.get("contentContainerUrl"):
        raise ApiError(
            400,
            "InvalidArgument",
            "'contentContainerUrl' needs Azure Blob Storage; this service reads 'contentUrls' or "
            "a 'dataset'.",
            "InvalidRecordingsUri",
            "contentContainerUrl",
        )
    if data.get("contentUrls"):
        urls = data["contentUrls"]
        if not isinstance(urls, list) or not urls:
            raise bad_request(
                "'contentUrls' must be a non-empty list of URLs.", target="contentUrls"
            )
        if len(urls) > 1000:
            raise ApiError(
                400,
                "InvalidArgument",
                "At most 1000 'contentUrls' per transcription.",
                "ExceededNumberOfRecordingsUris",
                "contentUrls",
            )
        checked = []
        for index, url in enumerate(urls):
            try:
                checked.append(check_url(url, f"contentUrls[{index}]"))
            except UrlRefused as exc:
                raise ApiError(
                    400,
                    "InvalidArgument",
                    str(exc),
                    "InvalidRecordingsUri",
                    f"contentUrls[{index}]",
                ) from exc
        transcription.doc["contentUrls"] = checked
    else:
        dataset_id, _ = _reference_id(data["dataset"], "dataset", "datasets")
        dataset = Entity.objects.filter(resource=resource, kind=Kind.DATASET, id=dataset_id).first()
        if (
            dataset is None
            or dataset.dataset_kind not in ("Acoustic", "AudioFiles")
            or dataset.status != Status.SUCCEEDED
        ):
            raise ApiError(
                400,
                "InvalidArgument",
                f"Dataset {dataset_id} is not a succeeded Acoustic or AudioFiles dataset of this "
                "resource.",
                "InvalidDataset",
                "dataset",
            )
        transcription.doc["dataset"] = str(dataset.id)
    if data.get("model") is not None:
        transcription.doc["model"] = resolve_model(resource, data["model"], "model", locale)
    properties = _properties_object(data)
    transcription.props.update(TRANSCRIPTION_DEFAULTS)
    for flag in (
        "wordLevelTimestampsEnabled",
        "displayFormWordLevelTimestampsEnabled",
        "diarizationEnabled",
    ):
        if flag in properties:
            if not isinstance(properties[flag], bool):
                raise bad_request(f"'properties.{flag}' must be true or false.", target=flag)
            transcription.props[flag] = properties[flag]
    for name, allowed in (
        ("punctuationMode", PUNCTUATION_MODES),
        ("profanityFilterMode", PROFANITY_MODES),
    ):
        if properties.get(name) is not None:
            if properties[name] not in allowed:
                raise bad_request(
                    f"'properties.{name}' must be one of {', '.join(allowed)}.", target=name
                )
            transcription.props[name] = properties[name]
    channels = properties.get("channels")
    if channels is not None:
        if not isinstance(channels, list) or not all(c in (0, 1) for c in channels):
            raise ApiError(
                400,
                "InvalidArgument",
                "'properties.channels' must be a list of 0 and/or 1.",
                "InvalidChannels",
                "channels",
            )
        transcription.props["channels"] = channels
    for name in ("timeToLive", "email"):
        if properties.get(name) is not None:
            transcription.props[name] = str(properties[name])
    return _created(transcription, "transcriptionCreation", "transcription_run")


def transcription_update(transcription: Entity, data: dict) -> Entity:
    _apply_update(
        transcription, data, ("displayName", "description", "customProperties", "project")
    )
    transcription.save()
    return transcription


# Web hooks ------------------------------------------------------------------------------------


def _events(value) -> dict:
    if not isinstance(value, dict) or not value:
        raise bad_request(
            "'events' must be an object such as {\"modelCompletion\": true}.", target="events"
        )
    unknown = sorted(set(value) - set(WEBHOOK_EVENTS))
    if unknown:
        raise ApiError(
            400,
            "InvalidArgument",
            f"Unknown web hook event {unknown[0]!r}.",
            "InvalidWebHookEventKind",
            "events",
        )
    if not all(isinstance(v, bool) for v in value.values()):
        raise bad_request("Every event in 'events' must be true or false.", target="events")
    if not any(value.values()):
        raise ApiError(
            400,
            "InvalidArgument",
            "Subscribe to at least one event.",
            "InvalidWebHookEventKind",
            "events",
        )
    return value


def _web_url(value) -> str:
    try:
        return check_url(value, "webUrl")
    except UrlRefused as exc:
        raise ApiError(400, "InvalidArgument", str(exc), "InvalidCallbackUri", "webUrl") from exc


def webhook_create(resource, data: dict, origin: str) -> Entity:
    web_url = _web_url(data.get("webUrl"))
    events = _events(data.get("events"))
    properties = _properties_object(data)
    hook = _new(resource, Kind.WEBHOOK, data, "", origin)
    hook.doc.update(webUrl=web_url, events=events)
    if properties.get("secret"):
        hook.props["_secret"] = str(properties["secret"])
    hook.save()
    _enqueue("webhook_challenge", hook.id)
    return hook


def webhook_update(hook: Entity, data: dict) -> Entity:
    data = dict(data)
    properties = data.pop("properties", None)
    changed_url = "webUrl" in data
    if changed_url:
        hook.doc["webUrl"] = _web_url(data.pop("webUrl"))
    if "events" in data:
        hook.doc["events"] = _events(data.pop("events"))
    _apply_update(hook, data, ("displayName", "description", "customProperties"))
    if properties is not None:
        if not isinstance(properties, dict):
            raise bad_request("'properties' must be an object.", target="properties")
        from localspeech.api.serializers import masked

        secret = properties.get("secret")
        if "secret" in properties and secret != masked(hook.props.get("_secret")):
            hook.props["_secret"] = str(secret or "")
    if changed_url:
        hook.touch(Status.NOT_STARTED)
        hook.save()
        _enqueue("webhook_challenge", hook.id)
        return hook
    hook.save()
    return hook


# Copy -----------------------------------------------------------------------------------------


def copy_authorize(target, data: dict) -> CopyAuthorization:
    from django.conf import settings

    source = _string(data, "sourceResourceId", required=True)
    return CopyAuthorization.objects.create(
        target=target,
        source_resource_id=source,
        expires_at=clock.now() + timedelta(hours=settings.LOCALSPEECH_COPY_AUTHORIZATION_HOURS),
    )


def copy_start(source, model: Entity, data: dict) -> CopyOperation:
    """Copy with a ModelCopyAuthorization. Calling again with the same authorization returns
    the same operation, so a retried request never makes two copies."""
    for field in (
        "id",
        "targetResourceId",
        "sourceResourceId",
        "targetResourceRegion",
        "targetResourceEndpoint",
        "expirationDateTime",
    ):
        _string(data, field, required=True)
    auth = (
        CopyAuthorization.objects.select_related("target")
        .filter(id=_uuid(data["id"], "id"))
        .first()
    )
    if auth is None or auth.target.resource_id != data["targetResourceId"]:
        raise ApiError(
            400,
            "InvalidArgument",
            "The copy authorization is not known to the target resource; ask the target for a "
            "new one with models:authorizecopy.",
            "InvalidParameterValue",
            "id",
        )
    if auth.source_resource_id != source.resource_id:
        raise ApiError(
            403,
            "Forbidden",
            f"This authorization is for source {auth.source_resource_id}, not this resource "
            f"({source.resource_id}).",
            "InvalidSourceAzureResourceId",
            "sourceResourceId",
        )
    if clock.now() >= auth.expires_at:
        raise ApiError(
            400,
            "InvalidArgument",
            f"The copy authorization expired at {clock.iso(auth.expires_at)}; ask the target for "
            "a new one.",
            "ModelCopyAuthorizationExpired",
            "expirationDateTime",
        )
    if model.status != Status.SUCCEEDED:
        raise ApiError(
            400,
            "InvalidArgument",
            f"Model {model.display_name!r} is {model.status}; only succeeded models can be copied.",
            "InvalidModel",
        )
    with transaction.atomic():
        existing = CopyOperation.objects.select_for_update().filter(authorization=auth).first()
        if existing:
            if existing.source_model_id != model.id:
                raise conflict(
                    "This copy authorization was already used for another model; ask the target "
                    "for a new one."
                )
            return existing
        operation = CopyOperation.objects.create(
            resource=source,
            source_model=model,
            authorization=auth,
            created_at=clock.now(),
            last_action_at=clock.now(),
        )
    _enqueue("model_copy", operation.id)
    return operation


def copy_with_target_key(source, model: Entity, target_key: str, origin: str) -> Entity:
    """The older body {"targetSubscriptionKey": ...}: the target model is made at once."""
    from localspeech.services.keys import resource_for_key

    target = resource_for_key(target_key) if isinstance(target_key, str) else None
    if target is None:
        raise ApiError(
            400,
            "InvalidArgument",
            "'targetSubscriptionKey' is not a key of a Speech resource here.",
            "InvalidSubscription",
            "targetSubscriptionKey",
        )
    auth = CopyAuthorization.objects.create(
        target=target,
        source_resource_id=source.resource_id,
        expires_at=clock.now() + timedelta(hours=1),
    )
    data = {
        "id": str(auth.id),
        "targetResourceId": target.resource_id,
        "sourceResourceId": source.resource_id,
        "targetResourceRegion": target.region,
        "targetResourceEndpoint": origin,
        "expirationDateTime": clock.iso(auth.expires_at),
    }
    operation = copy_start(source, model, data)
    from localspeech.services.jobs import copy_target_model

    return copy_target_model(operation)


def _uuid(value: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise bad_request(f"'{field}' is not an id (a UUID): {value!r}.", target=field) from exc
