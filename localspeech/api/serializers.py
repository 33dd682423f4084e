"""Entities as the API's JSON, shaped after the definitions in shared/reference."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.http import HttpRequest

from localspeech import catalog
from localspeech.api.base import api_url, origin, reference
from localspeech.clock import iso, quarter_end, years_after
from localspeech.models import CopyAuthorization, CopyOperation, EndpointLog, Entity, Kind
from localspeech.storage import DEFAULT_SAS_SECONDS, StoredFile, list_files, sign_path

OUTPUT_FORMATS = ["Display", "Lexical"]


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration as the API writes it (PT1M2.5S)."""
    seconds = round(seconds, 3)
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if rest or text == "PT":
        text += f"{rest:g}S"
    return text


def _common(request: HttpRequest, e: Entity) -> dict:
    body = {
        "self": api_url(request, f"{e.kind}/{e.id}"),
        "displayName": e.display_name,
        "createdDateTime": iso(e.created_at),
    }
    if e.doc.get("description") is not None:
        body["description"] = e.doc["description"]
    if e.doc.get("customProperties") is not None:
        body["customProperties"] = e.doc["customProperties"]
    if e.kind != Kind.PROJECT:
        body["lastActionDateTime"] = iso(e.last_action_at)
        body["status"] = e.status
    if e.kind not in (Kind.PROJECT, Kind.WEBHOOK) and e.project_id:
        body["project"] = reference(request, f"projects/{e.project_id}")
    if e.locale:
        body["locale"] = e.locale
    return body


def _properties(e: Entity, **extra) -> dict:
    props = {k: v for k, v in e.props.items() if not k.startswith("_")}
    props.update({k: v for k, v in extra.items() if v is not None})
    return props


def project_json(request: HttpRequest, e: Entity) -> dict:
    counts = e.props.get("_counts") or {}
    body = _common(request, e)
    base = f"projects/{e.id}"
    body["links"] = {
        name: api_url(request, f"{base}/{name}")
        for name in ("evaluations", "datasets", "models", "endpoints", "transcriptions")
    }
    body["properties"] = {
        "datasetCount": counts.get("datasets", 0),
        "evaluationCount": counts.get("evaluations", 0),
        "modelCount": counts.get("models", 0),
        "transcriptionCount": counts.get("transcriptions", 0),
        "endpointCount": counts.get("endpoints", 0),
    }
    return body


def dataset_json(request: HttpRequest, e: Entity) -> dict:
    body = _common(request, e)
    body["kind"] = e.dataset_kind
    base = f"datasets/{e.id}"
    body["links"] = {
        "files": api_url(request, f"{base}/files"),
        "commitBlocks": api_url(request, f"{base}/blocks:commit"),
        "listBlocks": api_url(request, f"{base}/blocks"),
        "uploadBlocks": api_url(request, f"{base}/blocks"),
    }
    if e.doc.get("contentUrl"):
        body["contentUrl"] = e.doc["contentUrl"]
    else:
        data = next((f for f in list_files(e.resource_id, e.id) if f.kind != "DatasetReport"), None)
        uploaded = e.doc.get("uploadedFile") or e.doc.get("committedFile")
        path = data.path if data else (Path(uploaded) if uploaded else None)
        if path is not None and path.exists():
            body["contentUrl"] = content_url(request, path, None)
    body["properties"] = _properties(e)
    return body


def base_model_json(request: HttpRequest, model: catalog.BaseModel) -> dict:
    path = f"models/base/{model.id}"
    return {
        "self": api_url(request, path),
        "links": {"manifest": api_url(request, f"{path}/manifest")},
        "properties": {
            "deprecationDates": {
                "adaptationDateTime": iso(model.adaptation_until),
                "transcriptionDateTime": iso(model.transcription_until),
            },
            "features": {
                "supportsTranscriptions": True,
                "supportsEndpoints": True,
                "supportsTranscriptionsOnSpeechContainers": False,
                "supportsAdaptationsWith": list(model.adapts_with),
                "supportedOutputFormats": OUTPUT_FORMATS,
            },
            "chargeForAdaptation": False,
        },
        "lastActionDateTime": iso(model.created),
        "status": "Succeeded",
        "createdDateTime": iso(model.created),
        "locale": model.locale,
        "displayName": model.display_name,
        "description": f"{model.locale} base model released {model.created:%Y-%m-%d}",
    }


def model_transcription_deadline(e: Entity):
    return years_after(quarter_end(e.created_at), 2)


def custom_model_json(request: HttpRequest, e: Entity) -> dict:
    body = _common(request, e)
    base = f"models/{e.id}"
    if e.doc.get("baseModel"):
        body["baseModel"] = reference(request, f"models/base/{e.doc['baseModel']}")
    body["datasets"] = [reference(request, f"datasets/{d}") for d in e.doc.get("datasets", [])]
    if e.doc.get("text") is not None:
        body["text"] = e.doc["text"]
    body["links"] = {
        "manifest": api_url(request, f"{base}/manifest"),
        "copy": api_url(request, f"{base}:copy"),
        "files": api_url(request, f"{base}/files"),
    }
    body["properties"] = _properties(
        e,
        deprecationDates={"transcriptionDateTime": iso(model_transcription_deadline(e))},
        features={
            "supportsTranscriptions": True,
            "supportsEndpoints": True,
            "supportsTranscriptionsOnSpeechContainers": False,
            "supportedOutputFormats": OUTPUT_FORMATS,
        },
    )
    return body


def model_reference(request: HttpRequest, ref: dict | None) -> dict | None:
    if not ref:
        return None
    if ref["base"]:
        return reference(request, f"models/base/{ref['id']}")
    return reference(request, f"models/{ref['id']}")


def evaluation_json(request: HttpRequest, e: Entity) -> dict:
    body = _common(request, e)
    body["model1"] = model_reference(request, e.doc.get("model1"))
    body["model2"] = model_reference(request, e.doc.get("model2"))
    body["dataset"] = reference(request, f"datasets/{e.doc.get('dataset')}")
    for n in (1, 2):
        if e.doc.get(f"transcription{n}"):
            body[f"transcription{n}"] = reference(
                request, f"transcriptions/{e.doc[f'transcription{n}']}"
            )
    body["links"] = {"files": api_url(request, f"evaluations/{e.id}/files")}
    body["properties"] = _properties(e)
    return body


def endpoint_links(request: HttpRequest, e: Entity) -> dict:
    host = origin(request)
    ws = host.replace("http://", "ws://").replace("https://", "wss://")
    links = {"logs": api_url(request, f"endpoints/{e.id}/files/logs")}
    for mode in ("interactive", "conversation", "dictation"):
        path = f"/speech/recognition/{mode}/cognitiveservices/v1?cid={e.id}"
        links[f"rest{mode.capitalize()}"] = f"{host}{path}"
        links[f"webSocket{mode.capitalize()}"] = f"{ws}{path}"
    return links


def endpoint_json(request: HttpRequest, e: Entity) -> dict:
    body = _common(request, e)
    body["model"] = model_reference(request, e.doc.get("model"))
    if e.doc.get("text") is not None:
        body["text"] = e.doc["text"]
    body["links"] = endpoint_links(request, e)
    body["properties"] = _properties(e)
    return body


def transcription_json(request: HttpRequest, e: Entity) -> dict:
    body = _common(request, e)
    if e.doc.get("model"):
        body["model"] = model_reference(request, e.doc["model"])
    if e.doc.get("dataset"):
        body["dataset"] = reference(request, f"datasets/{e.doc['dataset']}")
    if e.doc.get("contentUrls"):
        body["contentUrls"] = e.doc["contentUrls"]
    if e.doc.get("contentContainerUrl"):
        body["contentContainerUrl"] = e.doc["contentContainerUrl"]
    body["links"] = {"files": api_url(request, f"transcriptions/{e.id}/files")}
    body["properties"] = _properties(e)
    return body


def masked(secret: str | None) -> str | None:
    return f"••••{secret[-2:]}" if secret else None


def webhook_json(request: HttpRequest, e: Entity) -> dict:
    body = _common(request, e)
    body["webUrl"] = e.doc["webUrl"]
    body["events"] = e.doc["events"]
    base = f"webhooks/{e.id}"
    body["links"] = {
        "ping": api_url(request, f"{base}:ping"),
        "test": api_url(request, f"{base}:test"),
    }
    props = _properties(e, apiVersion="v3.2")
    if e.props.get("_secret"):
        props["secret"] = masked(e.props["_secret"])  # secrets are never shown again
    body["properties"] = props
    return body


RENDERERS = {
    Kind.PROJECT: project_json,
    Kind.DATASET: dataset_json,
    Kind.MODEL: custom_model_json,
    Kind.EVALUATION: evaluation_json,
    Kind.ENDPOINT: endpoint_json,
    Kind.TRANSCRIPTION: transcription_json,
    Kind.WEBHOOK: webhook_json,
}


def entity_json(request: HttpRequest, e: Entity) -> dict:
    return RENDERERS[e.kind](request, e)


def content_url(request: HttpRequest, path, seconds: int | None) -> str:
    token = sign_path(path, seconds or DEFAULT_SAS_SECONDS)
    return f"{origin(request)}/localspeech/content/{token}"


def file_json(
    request: HttpRequest, stored: StoredFile, self_path: str, seconds: int | None = None
) -> dict:
    stat = stored.path.stat()
    properties: dict = {"size": stat.st_size}
    return {
        "self": api_url(request, self_path),
        "name": stored.name,
        "kind": stored.kind,
        "properties": properties,
        "createdDateTime": iso(datetime.fromtimestamp(stat.st_mtime, tz=UTC)),
        "links": {"contentUrl": content_url(request, stored.path, seconds)},
    }


def log_files_json(request: HttpRequest, log: EndpointLog, base_path: str, paths, seconds):
    """A logged recognition is two files: the audio and the JSON result."""
    rendered = []
    for kind, path in paths:
        if not path.exists():
            continue
        name = f"{log.stem}{path.suffix}"
        rendered.append(
            {
                "self": api_url(request, f"{base_path}/{name}"),
                "name": name,
                "kind": kind,
                "properties": {"size": path.stat().st_size},
                "createdDateTime": iso(log.created_at),
                "links": {"contentUrl": content_url(request, path, seconds)},
            }
        )
    return rendered


def operation_json(request: HttpRequest, op: CopyOperation) -> dict:
    body = {
        "id": str(op.id),
        "self": api_url(request, f"operations/models/copy/{op.id}"),
        "createdDateTime": iso(op.created_at),
        "lastActionDateTime": iso(op.last_action_at),
        "status": op.status,
    }
    if op.target_model_id and op.status == "Succeeded":
        body["result"] = {"link": api_url(request, f"models/{op.target_model_id}")}
    if op.error:
        body["error"] = op.error
    return body


def authorization_json(request: HttpRequest, auth: CopyAuthorization) -> dict:
    return {
        "id": str(auth.id),
        "targetResourceRegion": auth.target.region,
        "targetResourceId": auth.target.resource_id,
        "targetResourceEndpoint": api_url(request, "models"),
        "sourceResourceId": auth.source_resource_id,
        "expirationDateTime": iso(auth.expires_at),
    }
