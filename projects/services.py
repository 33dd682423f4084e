"""Writes for projects. Remote writes happen in tasks, each safe to run twice."""

from __future__ import annotations

import base64
import functools
import shutil
from pathlib import Path

import httpx
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from portal.models import SpeechResource, Team
from portal.speech.client import SpeechClient
from portal.speech.errors import SpeechPermanentError
from projects.models import Dataset, DatasetUpload, Project
from speechformats.datasets import safe_file_name


def project_create(
    *, team: Team, resource: SpeechResource, display_name: str, locale: str, description: str = ""
) -> Project:
    """Saves the intent; the task creates it on the resource."""
    from projects import tasks

    with transaction.atomic():
        project = Project.objects.create(
            team=team,
            resource=resource,
            display_name=display_name,
            locale=locale,
            description=description,
            status="NotStarted",
        )
        tasks.project_create_remote.delay_on_commit(project.id)
    return project


def project_body(project: Project) -> dict:
    return {
        "displayName": project.display_name,
        "description": project.description,
        "locale": project.locale,
    }


def project_create_remote(*, project: Project, client: SpeechClient | None = None) -> Project:
    """Creates the project on its resource once (see portal.sync.create_remote)."""
    from portal.sync import create_remote

    return create_remote(project, "projects", project_body(project), client)


# Dataset uploads --------------------------------------------------------------------------------


def upload_start(*, project: Project, user) -> DatasetUpload:
    return DatasetUpload.objects.create(project=project, created_by=user)


def upload_set_kind(*, upload: DatasetUpload, kind: str) -> DatasetUpload:
    if kind != upload.kind:
        upload.kind = kind
        upload.report = None
        upload.save(update_fields=["kind", "report", "updated_at"])
    return upload


def upload_set_file(*, upload: DatasetUpload, uploaded) -> DatasetUpload:
    """Keeps the browser's file (Django streamed it to a temporary file, never to memory)."""
    _remove_file(upload)
    upload.folder.mkdir(parents=True, exist_ok=True)
    name = safe_file_name(uploaded.name)
    target = upload.folder / name
    temporary = getattr(uploaded, "temporary_file_path", None)
    if temporary:
        shutil.move(temporary(), target)
    else:
        with target.open("wb") as handle:
            for chunk in uploaded.chunks():
                handle.write(chunk)
    upload.source, upload.content_url = "file", ""
    upload.file_name, upload.file_size, upload.report = name, target.stat().st_size, None
    upload.save()
    upload_validate_start(upload=upload)
    return upload


def upload_set_url(*, upload: DatasetUpload, url: str) -> DatasetUpload:
    _remove_file(upload)
    upload.source, upload.content_url = "url", url
    upload.file_name, upload.file_size, upload.report = "", 0, None
    upload.save()
    upload_validate_start(upload=upload)
    return upload


def _remove_file(upload: DatasetUpload) -> None:
    if upload.folder.exists():
        shutil.rmtree(upload.folder, ignore_errors=True)


def upload_validate_start(*, upload: DatasetUpload) -> None:
    from projects import tasks

    tasks.upload_validate.delay_on_commit(str(upload.id))


def _dictionary_for(resource) -> set[str] | None:
    """The base model's dictionary when the portal knows it (the bundled service's)."""
    if resource.kind != "local":
        return None
    return _bundled_dictionary()


@functools.lru_cache(maxsize=1)
def _bundled_dictionary() -> set[str]:
    import pocketsphinx

    from speechformats.vocabulary import read_dictionary

    return read_dictionary(Path(pocketsphinx.get_model_path()) / "en-us" / "cmudict-en-us.dict")


def upload_validate(*, upload: DatasetUpload) -> DatasetUpload:
    """Fetches a URL source if needed, then validates by the documented rules."""
    from speechformats.datasets import validate
    from speechformats.vocabulary import out_of_vocabulary

    if upload.source == "url" and not upload.file_name:
        try:
            upload.folder.mkdir(parents=True, exist_ok=True)
            name = _fetch(upload.content_url, upload.folder)
        except (httpx.HTTPError, ValueError) as exc:
            upload.report = {
                "status": "Failed",
                "error": f"Could not fetch {upload.content_url}: {exc}",
                "rejected": [],
                "acceptedLineCount": 0,
                "rejectedLineCount": 0,
                "summary": {},
            }
            upload.save(update_fields=["report", "updated_at"])
            return upload
        upload.file_name, upload.file_size = name, (upload.folder / name).stat().st_size
    report = validate(upload.kind, upload.file_path, upload.project.locale)
    body = report.as_dict()
    dictionary = _dictionary_for(upload.project.resource)
    if dictionary is not None and report.ok:
        texts = [item if isinstance(item, str) else (item[1] or "") for item in report.accepted]
        if upload.kind in ("Language", "Acoustic", "LanguageMarkdown"):
            body["summary"]["outOfVocabulary"] = out_of_vocabulary(texts, dictionary)
    body["accepted"] = report.accepted[:2000]
    upload.report = body
    upload.save(update_fields=["report", "file_name", "file_size", "updated_at"])
    return upload


def _fetch(url: str, folder: Path) -> str:
    name = safe_file_name(url.rsplit("/", 1)[-1].split("?")[0] or "data")
    with httpx.stream("GET", url, timeout=httpx.Timeout(30.0), follow_redirects=True) as response:
        if response.status_code != 200:
            raise ValueError(f"it answered HTTP {response.status_code}")
        with (folder / name).open("wb") as handle:
            for chunk in response.iter_bytes(1024 * 1024):
                handle.write(chunk)
    return name


def upload_set_details(
    *, upload: DatasetUpload, display_name: str, description: str, leave_out_rejected: bool
):
    upload.display_name, upload.description = display_name, description
    upload.leave_out_rejected = leave_out_rejected
    upload.save()
    return upload


def upload_begin(*, upload: DatasetUpload) -> DatasetUpload:
    from projects import tasks

    with transaction.atomic():
        updated = DatasetUpload.objects.filter(id=upload.id, state__in=["draft", "failed"]).update(
            state="uploading", error="", bytes_sent=0
        )
        if updated:
            tasks.upload_send.delay_on_commit(str(upload.id))
    upload.refresh_from_db()
    return upload


def _prepared_file(upload: DatasetUpload) -> Path:
    """The file to send: the user's, or its valid part when rejected lines are left out."""
    if not (upload.leave_out_rejected and upload.report and upload.report.get("rejected")):
        return upload.file_path
    from speechformats.clean import clean
    from speechformats.datasets import validate

    target = upload.folder / f"valid-{upload.file_name}"
    if not target.exists():
        partial = target.with_suffix(target.suffix + ".part")
        clean(
            upload.kind,
            upload.file_path,
            validate(upload.kind, upload.file_path, upload.project.locale),
            partial,
        )
        partial.replace(target)
    return target


def _block_id(index: int) -> str:
    return base64.b64encode(f"{index:06d}".encode()).decode()


def upload_send(*, upload: DatasetUpload, client: SpeechClient | None = None) -> DatasetUpload:
    """Creates the dataset once and sends the file in 8 MiB blocks, skipping blocks the resource
    already holds (a resumed upload sends only what is missing), then commits."""
    from portal.sync import upsert

    project = upload.project
    own_client = client is None
    client = client or SpeechClient.for_resource(project.resource)
    try:
        dataset = upload.dataset
        if dataset is None or dataset.remote_id is None:
            request_id = str(upload.id)
            body = next(
                (
                    d
                    for d in client.entities_list(
                        "datasets", filter=f"displayName eq '{_quote(upload.display_name)}'"
                    )
                    if (d.get("customProperties") or {}).get("portalRequestId") == request_id
                ),
                None,
            ) or client.dataset_create(
                {
                    "kind": upload.kind,
                    "displayName": upload.display_name,
                    "description": upload.description,
                    "locale": project.locale,
                    "project": {"self": project.self_url},
                    "customProperties": {"portalRequestId": request_id},
                    **(
                        {"contentUrl": upload.content_url}
                        if upload.source == "url" and not upload.leave_out_rejected
                        else {}
                    ),
                }
            )
            dataset, _ = upsert(project.resource, "datasets", body)
            upload.dataset = dataset
            upload.save(update_fields=["dataset", "updated_at"])
        if upload.source == "url" and not upload.leave_out_rejected:
            return _uploaded(upload)
        path = _prepared_file(upload)
        total = path.stat().st_size
        blocks_url = (
            dataset.raw.get("links", {}).get("uploadBlocks") or f"{dataset.self_url}/blocks"
        )
        commit_url = (
            dataset.raw.get("links", {}).get("commitBlocks") or f"{dataset.self_url}/blocks:commit"
        )
        try:
            listed = client.dataset_blocks(blocks_url)
        except SpeechPermanentError:
            listed = {}
        if listed.get("committedBlocks"):
            return _uploaded(upload)
        received = {b["name"]: b["size"] for b in listed.get("uncommittedBlocks", [])}
        block_bytes = settings.PORTAL_UPLOAD_BLOCK_BYTES
        count = max(1, -(-total // block_bytes))
        DatasetUpload.objects.filter(id=upload.id).update(bytes_total=total)
        sent = 0
        with path.open("rb") as handle:
            for index in range(count):
                block_id = _block_id(index)
                size = min(block_bytes, total - index * block_bytes)
                if received.get(block_id) != size:
                    handle.seek(index * block_bytes)
                    client.dataset_upload_block(blocks_url, block_id, handle.read(size))
                sent += size
                DatasetUpload.objects.filter(id=upload.id).update(
                    bytes_sent=sent, updated_at=timezone.now()
                )
        client.dataset_commit_blocks(commit_url, [_block_id(i) for i in range(count)])
        return _uploaded(upload)
    finally:
        if own_client:
            client.close()


def _quote(value: str) -> str:
    return value.replace("'", "''")


def _uploaded(upload: DatasetUpload) -> DatasetUpload:
    DatasetUpload.objects.filter(id=upload.id).update(
        state="uploaded", bytes_sent=models.F("bytes_total")
    )
    if upload.dataset_id:
        Dataset.objects.filter(id=upload.dataset_id).update(next_poll_at=timezone.now())
    upload.refresh_from_db()
    return upload


def upload_fail(*, upload: DatasetUpload, message: str) -> None:
    DatasetUpload.objects.filter(id=upload.id).update(state="failed", error=message[:1000])


def uploads_stalled() -> list:
    """Uploads whose task has not reported progress for UPLOAD_STALL_SECONDS."""
    from datetime import timedelta

    from django.conf import settings

    cutoff = timezone.now() - timedelta(seconds=settings.PORTAL_UPLOAD_STALL_SECONDS)
    stalled = list(
        DatasetUpload.objects.filter(state="uploading", updated_at__lt=cutoff).values_list(
            "id", flat=True
        )
    )
    # Claim them, so the next sweep waits for the restarted task to report.
    DatasetUpload.objects.filter(id__in=stalled).update(updated_at=timezone.now())
    return stalled


# Edits, deletes and Connect ---------------------------------------------------------------------


def entity_update(*, row, changes: dict) -> None:
    """Saves what the user changed and queues the PATCH (PATCH is safe to send twice)."""
    from portal import tasks

    fields = {"displayName": "display_name", "description": "description"}
    for key, value in changes.items():
        if key in fields:
            setattr(row, fields[key], value)
    row.save()
    tasks.entity_patch.delay_on_commit(_kind_of(row), row.id, changes)


def project_connect(*, project: Project, row) -> None:
    """Connects a dataset or model that belongs to no project (PATCH of `project`)."""
    from portal import tasks

    if row.resource_id != project.resource_id or row.locale != project.locale:
        raise ValueError("Only entities of the project's resource and locale can be connected.")
    tasks.entity_patch.delay_on_commit(
        _kind_of(row), row.id, {"project": {"self": project.self_url}}
    )


def entity_delete(*, row) -> None:
    from portal import tasks

    tasks.entity_delete.delay_on_commit(_kind_of(row), row.id)


def _kind_of(row) -> str:
    from portal.sync import mirror_models

    return next(kind for kind, model in mirror_models().items() if isinstance(row, model))
