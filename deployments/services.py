"""Endpoints (deploy, swap, logging, Try it) and Copy to. Every call to a resource is a task."""

from __future__ import annotations

import time

import httpx
from django.db import transaction

from deployments.models import CopyOperation, CopyState, Endpoint, TryIt
from portal import sync
from portal.speech.client import KEY_HEADER, SpeechClient
from portal.speech.errors import SpeechError, SpeechTransientError
from projects.models import Project


class DeployRefused(ValueError):
    """The choice cannot be deployed or copied; the message says why."""


def endpoint_create(
    *, project: Project, model_url: str, display_name: str, description: str, logging: bool
) -> Endpoint:
    from deployments import tasks

    endpoint = Endpoint.objects.create(
        resource=project.resource,
        project=project,
        display_name=display_name,
        description=description,
        locale=project.locale,
        status="NotStarted",
        model_url=model_url,
        properties={"loggingEnabled": logging},
    )
    tasks.endpoint_create_remote.delay_on_commit(endpoint.id)
    return endpoint


def endpoint_body(endpoint: Endpoint) -> dict:
    return {
        "displayName": endpoint.display_name,
        "description": endpoint.description,
        "locale": endpoint.locale,
        "project": {"self": endpoint.project.self_url},
        "model": {"self": endpoint.model_url},
        "properties": {"loggingEnabled": bool(endpoint.properties.get("loggingEnabled"))},
    }


def endpoint_swap(*, endpoint: Endpoint, model_url: str) -> None:
    """Serves another model under the same endpoint id (no downtime)."""
    from portal import tasks

    Endpoint.objects.filter(id=endpoint.id).update(model_url=model_url, status="Running")
    tasks.entity_patch.delay_on_commit("endpoints", endpoint.id, {"model": {"self": model_url}})


def endpoint_logging(*, endpoint: Endpoint, enabled: bool) -> None:
    from portal import tasks

    changes = {"properties": {"contentLoggingEnabled": enabled}}
    tasks.entity_patch.delay_on_commit("endpoints", endpoint.id, changes)


def try_it_start(*, endpoint: Endpoint, audio: bytes) -> TryIt:
    from deployments import tasks

    attempt = TryIt.objects.create(endpoint=endpoint, audio=audio)
    tasks.try_it.delay_on_commit(str(attempt.id))
    return attempt


def recognize(resource, locale: str, audio: bytes, endpoint_id: str | None) -> dict:
    """Short-audio recognition on the resource (with cid for an endpoint), detailed format."""
    params = {"language": locale, "format": "detailed"}
    if endpoint_id:
        params["cid"] = endpoint_id
    base = resource.recognition_url.rstrip("/")
    url = f"{base}/speech/recognition/conversation/cognitiveservices/v1"
    response = httpx.post(
        url,
        params=params,
        content=audio,
        timeout=60,
        headers={KEY_HEADER: resource.key(), "Content-Type": "audio/wav"},
    )
    if response.status_code >= 400:
        try:
            message = response.json().get("message", response.text[:200])
        except ValueError:
            message = response.text[:200]
        raise SpeechError(
            f"Recognition failed ({response.status_code}): {message}", response.status_code
        )
    return response.json()


def try_it_run(*, attempt: TryIt) -> TryIt:
    endpoint = attempt.endpoint
    audio = bytes(attempt.audio)
    try:
        if attempt.endpoint_result is None:
            attempt.endpoint_result = recognize(
                endpoint.resource, endpoint.locale, audio, str(endpoint.remote_id)
            )
        if attempt.base_result is None:
            attempt.base_result = recognize(endpoint.resource, endpoint.locale, audio, None)
    except (SpeechError, httpx.HTTPError) as exc:
        attempt.error = str(exc)[:500]
    attempt.save()
    return attempt


def endpoint_logs_fetch(endpoint: Endpoint, client: SpeechClient | None = None) -> list[dict]:
    """The endpoint's logged recognitions: audio and result files, paired by name."""
    own_client = client is None
    client = client or SpeechClient.for_resource(endpoint.resource)
    try:
        files = list(client.paged(f"{endpoint.self_url}/files/logs"))
    finally:
        if own_client:
            client.close()
    logs: dict[str, dict] = {}
    for item in files:
        stem, _, extension = item["name"].rpartition(".")
        entry = logs.setdefault(stem, {"name": stem, "created": item.get("createdDateTime")})
        entry["audio" if extension == "wav" else "result"] = item["links"]["contentUrl"]
    rows = sorted(logs.values(), key=lambda r: r["created"] or "", reverse=True)
    for row in rows:
        if row.get("result"):
            try:
                row["text"] = httpx.get(row["result"], timeout=30).json().get("DisplayText", "")
            except (httpx.HTTPError, ValueError):
                row["text"] = ""
    Endpoint.objects.filter(id=endpoint.id).update(logs=rows)
    return rows


# Copy to -----------------------------------------------------------------------------------------


def copy_start(*, copy: CopyOperation) -> CopyOperation:
    from deployments import tasks

    if copy.target_resource is None or copy.target_project is None:
        raise DeployRefused("Choose the target resource and project first.")
    if copy.target_project.locale != copy.source.locale:
        raise DeployRefused(f"The target project must be {copy.source.locale}, like the model.")
    with transaction.atomic():
        if CopyOperation.objects.filter(id=copy.id, state=CopyState.DRAFT).update(
            state=CopyState.RUNNING
        ):
            tasks.model_copy.delay_on_commit(str(copy.id))
    copy.refresh_from_db()
    return copy


def copy_run(*, copy: CopyOperation, wait_seconds: float = 60) -> CopyOperation:
    """The v3.2 flow, each step recorded so a rerun continues where the last one stopped:
    authorization from the target, copy from the source (the same authorization names the same
    copy), follow the operation, then connect the new model to the target project."""
    source, target = copy.source, copy.target_resource
    if copy.authorization is None:
        with SpeechClient.for_resource(target) as client:
            copy.authorization = client.model_authorize_copy(_resource_id(source.resource))
        copy.save(update_fields=["authorization", "updated_at"])
    if not copy.operation_url:
        with SpeechClient.for_resource(source.resource) as client:
            response = client.model_copy(source.self_url, copy.authorization)
        copy.operation_url = response.headers.get("Operation-Location") or response.json()["self"]
        copy.save(update_fields=["operation_url", "updated_at"])
    deadline = time.monotonic() + wait_seconds
    with SpeechClient.for_resource(source.resource) as client:
        while True:
            operation = client.get_json(copy.operation_url)
            if operation["status"] in ("Succeeded", "Failed") or time.monotonic() > deadline:
                break
            time.sleep(1)
    if operation["status"] == "Failed":
        copy.state, copy.error = (
            CopyState.FAILED,
            (operation.get("error") or {}).get("message", "The copy failed."),
        )
        copy.save()
        return copy
    if operation["status"] != "Succeeded":
        raise SpeechTransientError("The copy is still running.", retry_after=10)
    model_url = operation["result"]["link"]
    with SpeechClient.for_resource(target) as client:
        body = client.request(
            "PATCH", model_url, json={"project": {"self": copy.target_project.self_url}}
        ).json()
    model, _ = sync.upsert(target, "models", body)
    copy.target_model, copy.state = model, CopyState.SUCCEEDED
    copy.save()
    return copy


def _resource_id(resource) -> str:
    if not resource.arm_id:
        raise DeployRefused(
            f"{resource.name} has no Azure resource id; a staff member can add it on the "
            "resource's page (copies name their source by it)."
        )
    return resource.arm_id


def endpoint_log_delete(endpoint: Endpoint, name: str) -> None:
    """Deletes one logged recognition (its audio and result) on the resource."""
    with SpeechClient.for_resource(endpoint.resource) as client:
        client.request("DELETE", f"{endpoint.self_url}/files/logs/{name}.wav")
    rows = [log for log in (endpoint.logs or []) if log.get("name") != name]
    Endpoint.objects.filter(id=endpoint.id).update(logs=rows)


def test_set_from_logs(*, endpoint: Endpoint, user, items: list[dict]):
    """Starts an Acoustic dataset from logged audio and the transcripts the user corrected: the
    worker downloads the audio into a zip, then the upload wizard validates it as usual."""
    import json

    from deployments import tasks
    from projects.services import upload_set_kind, upload_start

    if not items:
        raise DeployRefused("Select at least one log with its corrected transcript.")
    for item in items:
        if not item.get("transcript", "").strip():
            raise DeployRefused(f"Write the transcript of {item['name']} (what was really said).")
    upload = upload_start(project=endpoint.project, user=user)
    upload_set_kind(upload=upload, kind="Acoustic")
    upload.folder.mkdir(parents=True, exist_ok=True)
    (upload.folder / "logs.json").write_text(json.dumps(items))
    tasks.test_set_build.delay_on_commit(str(upload.id))
    return upload


def test_set_build(upload) -> None:
    import io
    import json
    import zipfile

    from projects.services import upload_validate

    items = json.loads((upload.folder / "logs.json").read_text())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        lines = []
        for index, item in enumerate(items, start=1):
            name = f"log{index:03d}.wav"
            archive.writestr(name, httpx.get(item["audio"], timeout=60).content)
            lines.append(f"{name}\t{' '.join(item['transcript'].split())}")
        archive.writestr("trans.txt", "\n".join(lines) + "\n")
    upload.file_name, upload.source = "endpoint-logs.zip", "file"
    (upload.folder / upload.file_name).write_bytes(buffer.getvalue())
    upload.file_size = len(buffer.getvalue())
    upload.save()
    upload_validate(upload=upload)
