"""Operations beyond plain CRUD: locales, dataset blocks and upload, base models, manifests,
copy, endpoint logs and web hook pings."""

from __future__ import annotations

import base64
import binascii
import hashlib
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from localspeech import catalog, tasks
from localspeech.api.base import (
    api_url,
    json_body,
    origin,
    page,
    reference,
    require_object,
)
from localspeech.api.serializers import (
    authorization_json,
    base_model_json,
    content_url,
    custom_model_json,
    dataset_json,
    log_files_json,
    operation_json,
)
from localspeech.engine.recognizer import decoder_spec
from localspeech.errors import ApiError, bad_request, invalid_body, not_found
from localspeech.models import Block, CopyOperation, EndpointLog, Kind, Status
from localspeech.services import entities as svc
from localspeech.services import jobs
from localspeech.services.logs import log_delete, log_paths
from localspeech.storage import work_dir

SUPPORTED_DATASET_KINDS = [
    "Acoustic",
    "Language",
    "Pronunciation",
    "AudioFiles",
    "LanguageMarkdown",
    "OutputFormatting",
]


def locales(request: HttpRequest, resource) -> JsonResponse:
    return JsonResponse(list(catalog.LOCALES), safe=False)


def dataset_locales(request: HttpRequest, resource) -> JsonResponse:
    return JsonResponse({locale: SUPPORTED_DATASET_KINDS for locale in catalog.LOCALES})


# Dataset blocks and upload --------------------------------------------------------------------


def _block_dir(resource, dataset) -> Path:
    return work_dir(resource.id, dataset.id, "blocks")


def _block_file(folder: Path, block_id: str) -> Path:
    return folder / hashlib.sha256(block_id.encode()).hexdigest()


def _open_for_blocks(resource, id):
    dataset = svc.get_entity(resource, Kind.DATASET, id)
    if not dataset.doc.get("uploadByBlocks"):
        raise ApiError(
            400,
            "InvalidRequest",
            "This dataset was created from a contentUrl; it takes no blocks.",
            "InvalidParameterValue",
        )
    if dataset.doc.get("committed"):
        raise ApiError(
            409,
            "Conflict",
            "The blocks of this dataset were already committed; a dataset is immutable, create a "
            "new one.",
            "InUseViolation",
        )
    return dataset


def block_upload(request: HttpRequest, resource, id) -> HttpResponse:
    """PUT blocks?blockid=...: the body (at most 8 MiB) is streamed to disk."""
    block_id = request.GET.get("blockid", "")
    if not block_id or len(block_id) > 64:
        raise bad_request(
            "'blockid' is required (at most 64 characters, base64 like Azure block ids).",
            target="blockid",
        )
    try:
        base64.b64decode(block_id, validate=True)
    except binascii.Error as exc:
        raise bad_request(f"'blockid' must be base64: {block_id!r}.", target="blockid") from exc
    dataset = _open_for_blocks(resource, id)
    limit = settings.LOCALSPEECH_BLOCK_MAX_BYTES
    declared = int(request.headers.get("Content-Length") or 0)
    if declared > limit:
        raise ApiError(
            413,
            "InvalidRequest",
            f"A block is at most {limit // (1024 * 1024)} MiB; this one declares {declared} bytes.",
            "InvalidParameterValue",
            "body",
        )
    folder = _block_dir(resource, dataset)
    partial = folder / f".{_block_file(folder, block_id).name}.part"
    size = 0
    with partial.open("wb") as handle:
        while chunk := request.read(64 * 1024):
            size += len(chunk)
            if size > limit:
                handle.close()
                partial.unlink(missing_ok=True)
                raise ApiError(
                    413,
                    "InvalidRequest",
                    f"A block is at most {limit // (1024 * 1024)} MiB.",
                    "InvalidParameterValue",
                    "body",
                )
            handle.write(chunk)
    if size == 0:
        partial.unlink(missing_ok=True)
        raise ApiError(400, "InvalidRequest", "The block is empty.", "EmptyRequest", "body")
    partial.replace(_block_file(folder, block_id))
    Block.objects.update_or_create(dataset=dataset, block_id=block_id, defaults={"size": size})
    return HttpResponse(status=201)


def blocks_list(request: HttpRequest, resource, id) -> JsonResponse:
    dataset = svc.get_entity(resource, Kind.DATASET, id)
    blocks = [
        {"name": b.block_id, "size": b.size} for b in dataset.blocks.order_by("created_at", "id")
    ]
    if dataset.doc.get("committed"):
        return JsonResponse(
            {"committedBlocks": dataset.doc.get("committedBlocks", []), "uncommittedBlocks": []}
        )
    return JsonResponse({"committedBlocks": [], "uncommittedBlocks": blocks})


def blocks_commit(request: HttpRequest, resource, id) -> HttpResponse:
    entries = json_body(request)
    if not isinstance(entries, list) or not entries:
        raise invalid_body('The body must be a non-empty list of {"kind": "Latest", "id": "..."}.')
    with transaction.atomic():
        dataset = _open_for_blocks(resource, id)
        known = {b.block_id: b for b in dataset.blocks.all()}
        folder = _block_dir(resource, dataset)
        order = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise invalid_body(
                    f"Entry {index} of the block list needs an 'id'.", target=f"[{index}]"
                )
            if entry.get("kind", "Latest") not in ("Committed", "Uncommitted", "Latest"):
                raise bad_request(
                    f"Entry {index}: 'kind' must be Committed, Uncommitted or Latest.",
                    target=f"[{index}].kind",
                )
            if entry["id"] not in known:
                raise bad_request(
                    f"Entry {index}: block {entry['id']!r} was never uploaded.",
                    target=f"[{index}].id",
                )
            order.append(entry["id"])
        content = (
            work_dir(resource.id, dataset.id, "incoming")
            / jobs.CONTENT_FILE_KINDS[dataset.dataset_kind][1]
        )
        with content.open("wb") as out:
            for block_id in order:
                out.write(_block_file(folder, block_id).read_bytes())
        dataset.doc.update(
            committed=True,
            committedFile=str(content),
            committedBlocks=[{"name": b, "size": known[b].size} for b in order],
        )
        dataset.save()
        transaction.on_commit(lambda: tasks.dataset_import.delay(str(dataset.id)))
    return HttpResponse(status=200)


def dataset_upload(request: HttpRequest, resource) -> JsonResponse:
    fields = {
        k: request.POST.get(k)
        for k in ("project", "displayName", "description", "locale", "kind", "email")
        if request.POST.get(k) is not None
    }
    if request.POST.get("customProperties"):
        import json

        try:
            fields["customProperties"] = json.loads(request.POST["customProperties"])
        except json.JSONDecodeError as exc:
            raise bad_request(
                "'customProperties' must be a JSON object.", target="customProperties"
            ) from exc
    dataset = svc.dataset_upload(resource, fields, request.FILES.get("data"), origin(request))
    response = JsonResponse(dataset_json(request, dataset), status=201)
    response["Location"] = api_url(request, f"datasets/{dataset.id}")
    return response


# Models ---------------------------------------------------------------------------------------


def base_models(request: HttpRequest, resource) -> JsonResponse:
    return page(
        request, catalog.base_models(), lambda m: base_model_json(request, m), "models/base"
    )


def _base(id) -> catalog.BaseModel:
    model = catalog.base_model(id)
    if model is None:
        raise not_found(f"Base model {id}")
    return model


def base_model(request: HttpRequest, resource, id) -> JsonResponse:
    return JsonResponse(base_model_json(request, _base(id)))


def base_manifest(request: HttpRequest, resource, id) -> JsonResponse:
    model = _base(id)
    import pocketsphinx

    root = Path(pocketsphinx.get_model_path()) / "en-us"
    files = [root / "en-us.lm.bin", root / "cmudict-en-us.dict"]
    return JsonResponse(
        {
            "model": reference(request, f"models/base/{model.id}"),
            "modelFiles": [
                {
                    "name": f"en-us/{p.name}",
                    "contentUrl": f"{origin(request)}/localspeech/base-model-files/{p.name}",
                }
                for p in files
            ],
            "properties": decoder_spec(None),
        }
    )


def model_manifest(request: HttpRequest, resource, id) -> JsonResponse:
    model = svc.get_entity(resource, Kind.MODEL, id)
    if model.status != Status.SUCCEEDED:
        raise ApiError(
            409,
            "Conflict",
            f"Model {model.id} is {model.status}; its manifest exists once training succeeded.",
            "InvalidModel",
        )
    files = jobs.model_files_for_manifest(model)
    return JsonResponse(
        {
            "model": reference(request, f"models/{model.id}"),
            "modelFiles": [
                {"name": f"{model.id}/{p.name}", "contentUrl": content_url(request, p, None)}
                for p in files
            ],
            "properties": decoder_spec(
                jobs.model_dir(model), model.props.get("customModelWeightPercent")
            ),
        }
    )


def authorize_copy(request: HttpRequest, resource) -> JsonResponse:
    auth = svc.copy_authorize(resource, require_object(json_body(request)))
    return JsonResponse(authorization_json(request, auth))


def model_copy(request: HttpRequest, resource, id) -> JsonResponse:
    model = svc.get_entity(resource, Kind.MODEL, id)
    data = require_object(json_body(request))
    if "targetSubscriptionKey" in data:
        target = svc.copy_with_target_key(
            resource, model, data["targetSubscriptionKey"], api_url(request, "models")
        )
        response = JsonResponse(custom_model_json(request, target), status=202)
        response["Location"] = api_url(request, f"models/{target.id}")
        return response
    operation = svc.copy_start(resource, model, data)
    body = operation_json(request, operation)
    response = JsonResponse(body, status=202)
    response["Operation-Location"] = body["self"]
    return response


def copy_operation(request: HttpRequest, resource, id) -> JsonResponse:
    operation = CopyOperation.objects.filter(resource=resource, id=id).first()
    if operation is None:
        raise not_found(f"Copy operation {id}")
    response = JsonResponse(operation_json(request, operation))
    if operation.status in (Status.NOT_STARTED, Status.RUNNING):
        response["Retry-After"] = "2"
    return response


# Endpoint logs --------------------------------------------------------------------------------


def _logs_query(resource, endpoint=None, locale: str | None = None):
    logs = EndpointLog.objects.filter(resource=resource)
    return (
        logs.filter(endpoint=endpoint)
        if endpoint
        else logs.filter(endpoint__isnull=True, locale=locale)
    )


def _render_logs(request, logs, base_path: str) -> JsonResponse:
    top = (
        min(int(request.GET.get("top") or 100), 100)
        if (request.GET.get("top") or "100").isdigit()
        else 100
    )
    skip = (
        int(request.GET.get("skipToken") or 0)
        if (request.GET.get("skipToken") or "0").isdigit()
        else 0
    )
    chosen = list(logs[skip : skip + top + 1])
    seconds = (
        int(request.GET["sasValidityInSeconds"])
        if request.GET.get("sasValidityInSeconds", "").isdigit()
        else None
    )
    values = []
    for log in chosen[:top]:
        values += log_files_json(request, log, base_path, log_paths(log), seconds)
    body: dict = {"values": values}
    if len(chosen) > top:
        body["@nextLink"] = f"{api_url(request, base_path)}?skipToken={skip + top}&top={top}"
    return JsonResponse(body)


def _log_by_name(logs, log_id: str) -> EndpointLog:
    stem = log_id.rsplit(".", 1)[0]
    for log in logs:
        if log.stem == stem:
            return log
    raise not_found(f"Log {log_id}")


def _logs(request: HttpRequest, logs, base_path: str) -> HttpResponse:
    """GET lists the logged files; DELETE removes them all (202, as the API answers)."""
    if request.method == "DELETE":
        for log in logs:
            log_delete(log)
        return HttpResponse(status=202)
    return _render_logs(request, logs, base_path)


def endpoint_logs(request: HttpRequest, resource, id) -> HttpResponse:
    endpoint = svc.get_entity(resource, Kind.ENDPOINT, id)
    return _logs(request, _logs_query(resource, endpoint), f"endpoints/{id}/files/logs")


def endpoint_log(request: HttpRequest, resource, id, log_id) -> HttpResponse:
    endpoint = svc.get_entity(resource, Kind.ENDPOINT, id)
    log = _log_by_name(_logs_query(resource, endpoint), log_id)
    return _one_log(request, log, log_id, f"endpoints/{id}/files/logs")


def _one_log(request, log, log_id: str, base_path: str) -> HttpResponse:
    if request.method == "DELETE":
        log_delete(log)
        return HttpResponse(status=204)
    files = log_files_json(request, log, base_path, log_paths(log), None)
    wanted = next((f for f in files if f["name"] == log_id), None) or (files[0] if files else None)
    if wanted is None:
        raise not_found(f"Log {log_id}")
    return JsonResponse(wanted)


def _check_locale(locale: str) -> str:
    if locale not in catalog.LOCALES:
        raise ApiError(
            400,
            "InvalidArgument",
            f"Locale {locale!r} is not supported here.",
            "InvalidLocale",
            "locale",
        )
    return locale


def base_logs(request: HttpRequest, resource, locale) -> HttpResponse:
    logs = _logs_query(resource, locale=_check_locale(locale))
    return _logs(request, logs, f"endpoints/base/{locale}/files/logs")


def base_log(request: HttpRequest, resource, locale, log_id) -> HttpResponse:
    log = _log_by_name(_logs_query(resource, locale=_check_locale(locale)), log_id)
    return _one_log(request, log, log_id, f"endpoints/base/{locale}/files/logs")


# Web hooks ------------------------------------------------------------------------------------


def webhook_ping(request: HttpRequest, resource, id) -> HttpResponse:
    hook = svc.get_entity(resource, Kind.WEBHOOK, id)
    transaction.on_commit(lambda: tasks.webhook_ping.delay(str(hook.id)))
    response = HttpResponse(status=202)
    response["Retry-After"] = "5"
    return response


def webhook_test(request: HttpRequest, resource, id) -> HttpResponse:
    hook = svc.get_entity(resource, Kind.WEBHOOK, id)
    if hook.status != Status.SUCCEEDED:
        raise ApiError(
            400,
            "InvalidRequest",
            "The web hook has not passed its challenge yet; it cannot be tested.",
            "InvalidCallbackUri",
        )
    if not any(v for k, v in hook.doc.get("events", {}).items() if k != "challenge"):
        return HttpResponse(status=204)
    transaction.on_commit(lambda: tasks.webhook_test.delay(str(hook.id)))
    response = HttpResponse(status=202)
    response["Retry-After"] = "5"
    return response
