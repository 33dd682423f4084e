"""Keeping the portal's mirror of each Speech resource current.

A sync lists every entity kind (incrementally by lastActionDateTime where the API allows,
fully now and then to find deletions), imports what was made elsewhere (Speech Studio, spx,
curl) into the resource's default team, and adopts entities the portal itself created (by
customProperties.portalRequestId). In-flight entities are then polled one by one until they
finish, at the pace the resource asks for with Retry-After.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from portal.mirror import IN_FLIGHT, RemoteMirror, remote_id_of
from portal.models import Health, SpeechResource
from portal.signals import remote_finished
from portal.speech.client import SpeechClient
from portal.speech.errors import SpeechError, SpeechNotFound, SpeechTransientError

logger = logging.getLogger(__name__)
# Projects first: the others point at them.
SYNC_ORDER = ("projects", "datasets", "models", "evaluations", "endpoints", "transcriptions")
# Cursors step back one second: lastActionDateTime has one-second resolution, so a change in
# the same second as the newest one seen must still be listed next time.
CURSOR_OVERLAP = timedelta(seconds=1)
CREATE_CLAIM_SECONDS = 120


def mirror_models() -> dict[str, type[RemoteMirror]]:
    from deployments.models import Endpoint
    from projects.models import Dataset, Project
    from training.models import CustomModel, Evaluation, Transcription

    return {
        "projects": Project,
        "datasets": Dataset,
        "models": CustomModel,
        "evaluations": Evaluation,
        "endpoints": Endpoint,
        "transcriptions": Transcription,
    }


@dataclass
class SyncReport:
    full: bool
    seen: dict[str, int] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    requests: int = 0


def _request_id(body: dict):
    value = (body.get("customProperties") or {}).get("portalRequestId")
    return remote_id_of(f"/{value}") if value else None


def upsert(resource: SpeechResource, kind: str, body: dict) -> tuple[RemoteMirror, bool]:
    """The mirror row of one remote entity, created or updated from the resource's answer."""
    model = mirror_models()[kind]
    remote_id = remote_id_of(body.get("self"))
    with transaction.atomic():
        row = (
            model.objects.select_for_update().filter(resource=resource, remote_id=remote_id).first()
        )
        request_id = _request_id(body)
        if row is None and request_id is not None:
            row = (
                model.objects.select_for_update()
                .filter(resource=resource, request_id=request_id, remote_id__isnull=True)
                .first()
            )
        created = row is None
        if created:
            row = model(resource=resource)
            if kind == "projects":
                row.team = resource.default_team
        was_in_flight = created or row.in_flight
        row.apply_remote(body)
        if kind != "projects":
            row.project = _project_for(resource, body)
        row.synced_at = timezone.now()
        if row.in_flight and row.next_poll_at is None:
            row.next_poll_at = timezone.now()
        elif not row.in_flight:
            row.next_poll_at = None
        row.save()
        if was_in_flight and row.status in ("Succeeded", "Failed") and kind != "projects":
            transaction.on_commit(lambda: remote_finished.send(sender=model, kind=kind, row=row))
    return row, created


def create_remote(row: RemoteMirror, kind: str, body: dict, client: SpeechClient | None = None):
    """Creates an entity on its resource once: a retry, or a run after a lost answer, finds
    the first attempt's entity by customProperties.portalRequestId instead of making another."""
    if row.remote_id:
        return row
    now = timezone.now()
    claimed = (
        type(row)
        .objects.filter(id=row.id, remote_id__isnull=True)
        .filter(Q(create_claimed_until__isnull=True) | Q(create_claimed_until__lt=now))
        .update(create_claimed_until=now + timedelta(seconds=CREATE_CLAIM_SECONDS))
    )
    if not claimed:
        raise SpeechTransientError("Another worker is creating this entity.", retry_after=3)
    request_id = str(row.request_id)
    body = {
        **body,
        "customProperties": {**(body.get("customProperties") or {}), "portalRequestId": request_id},
    }
    own_client = client is None
    client = client or SpeechClient.for_resource(row.resource)
    try:
        name = body.get("displayName", "").replace("'", "''")
        existing = next(
            (
                found
                for found in client.entities_list(kind, filter=f"displayName eq '{name}'")
                if (found.get("customProperties") or {}).get("portalRequestId") == request_id
            ),
            None,
        )
        answer = existing or client.request("POST", kind, json=body).json()
        created, _ = upsert(row.resource, kind, answer)
    finally:
        if own_client:
            client.close()
        type(row).objects.filter(id=row.id).update(create_claimed_until=None)
    return created


def _project_for(resource: SpeechResource, body: dict):
    from projects.models import Project

    project_id = remote_id_of((body.get("project") or {}).get("self"))
    if project_id is None:
        return None
    return Project.objects.filter(resource=resource, remote_id=project_id).first()


def base_models_sync(resource: SpeechResource, client: SpeechClient) -> int:
    from training.models import BaseModel

    seen = 0
    for body in client.base_models_list():
        remote_id = remote_id_of(body.get("self"))
        row = BaseModel.objects.filter(resource=resource, remote_id=remote_id).first() or BaseModel(
            resource=resource
        )
        row.apply_remote(body)
        row.synced_at = timezone.now()
        row.save()
        seen += 1
    return seen


def resource_sync(resource: SpeechResource, *, full: bool | None = None, client=None) -> SyncReport:
    """One pass over the resource. Incremental unless `full` or a full pass is due."""
    now = timezone.now()
    if full is None:
        every = timedelta(seconds=settings.PORTAL_FULL_SYNC_SECONDS)
        full = resource.last_full_sync_at is None or now - resource.last_full_sync_at > every
    report = SyncReport(full=full)
    own_client = client is None
    client = client or SpeechClient.for_resource(resource)
    cursors = dict(resource.sync_cursors)
    try:
        report.seen["base models"] = base_models_sync(resource, client)
        for kind in SYNC_ORDER:
            field_name = "createdDateTime" if kind == "projects" else "lastActionDateTime"
            cursor = None if full else cursors.get(kind)
            query = f"{field_name} gt {cursor}" if cursor else None
            newest = parse_datetime(cursors[kind]) if cursors.get(kind) else None
            seen_ids = set()
            for body in client.entities_list(kind, filter=query):
                row, created = upsert(resource, kind, body)
                seen_ids.add(row.remote_id)
                report.created[kind] = report.created.get(kind, 0) + int(created)
                stamp = parse_datetime(body.get(field_name) or "") if body.get(field_name) else None
                if stamp and (newest is None or stamp > newest):
                    newest = stamp
            report.seen[kind] = len(seen_ids)
            if full:
                report.deleted[kind] = _mark_deleted(resource, kind, seen_ids)
            if newest:
                cursors[kind] = (newest - CURSOR_OVERLAP).strftime("%Y-%m-%dT%H:%M:%SZ")
    except SpeechError as exc:
        SpeechResource.objects.filter(id=resource.id).update(sync_error=exc.message[:500])
        raise
    finally:
        report.requests = client.requests_sent
        if own_client:
            client.close()
    updates = {"sync_cursors": cursors, "last_sync_at": now, "sync_error": ""}
    if full:
        updates["last_full_sync_at"] = now
    SpeechResource.objects.filter(id=resource.id).update(**updates)
    return report


def _mark_deleted(resource: SpeechResource, kind: str, seen_ids: set) -> int:
    model = mirror_models()[kind]
    gone = model.objects.filter(
        resource=resource, remote_id__isnull=False, deleted_remotely_at__isnull=True
    ).exclude(remote_id__in=seen_ids)
    return gone.update(deleted_remotely_at=timezone.now(), next_poll_at=None)


# Polling ----------------------------------------------------------------------------------------


def due_for_poll(limit: int = 500) -> list[tuple[str, int, int]]:
    """In-flight rows whose poll is due, as (kind, id, resource id); each is leased so the next
    beat does not enqueue it again while its poll is queued."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.PORTAL_POLL_LEASE_SECONDS)
    due: list[tuple[str, int, int]] = []
    for kind, model in mirror_models().items():
        rows = model.objects.filter(
            status__in=IN_FLIGHT,
            deleted_remotely_at__isnull=True,
            remote_id__isnull=False,
            next_poll_at__lte=now,
        ).order_by("next_poll_at")[: limit - len(due)]
        found = list(rows.values_list("id", "resource_id"))
        model.objects.filter(id__in=[pk for pk, _ in found]).update(next_poll_at=lease)
        due += [(kind, pk, resource_id) for pk, resource_id in found]
    return due


def poll_plan(limit: int = 500) -> tuple[list[int], list[tuple[str, int]]]:
    """What to ask: a resource with many entities in flight is cheaper to list once
    (incrementally, 100 per page) than to ask entity by entity."""
    due = due_for_poll(limit)
    per_resource = Counter(resource_id for _, _, resource_id in due)
    listed = sorted(r for r, n in per_resource.items() if n > settings.PORTAL_POLL_LIST_THRESHOLD)
    polls = [(kind, pk) for kind, pk, resource_id in due if resource_id not in listed]
    return listed, polls


def entity_poll(kind: str, pk: int, client=None) -> RemoteMirror | None:
    model = mirror_models()[kind]
    row = model.objects.select_related("resource").filter(id=pk).first()
    if row is None or not row.self_url:
        return None
    own_client = client is None
    client = client or SpeechClient.for_resource(row.resource)
    now = timezone.now()
    try:
        response = client.request("GET", row.self_url)
    except SpeechNotFound:
        model.objects.filter(id=pk).update(deleted_remotely_at=now, next_poll_at=None)
        return None
    except SpeechTransientError as exc:
        failures = row.poll_failures + 1
        delay = max(exc.retry_after or 0, min(600, 5 * 2**failures))
        model.objects.filter(id=pk).update(
            poll_failures=failures, next_poll_at=now + timedelta(seconds=delay)
        )
        return row
    finally:
        if own_client:
            client.close()
    row, _ = upsert(row.resource, kind, response.json())
    if kind == "datasets" and not row.in_flight and row.report is None:
        dataset_report_fetch(row)
    from portal.speech.client import retry_after_seconds

    wait = retry_after_seconds(response) or settings.PORTAL_POLL_SECONDS
    model.objects.filter(id=row.id).update(
        poll_failures=0, next_poll_at=now + timedelta(seconds=wait) if row.in_flight else None
    )
    return row


REPORT_MAX_BYTES = 5 * 1024 * 1024


def entity_files(row, client: SpeechClient | None = None) -> list[dict] | None:
    """The `File` list of an entity, or None when the resource would not say."""
    own_client = client is None
    client = client or SpeechClient.for_resource(row.resource)
    try:
        return list(client.paged(f"{row.self_url}/files"))
    except SpeechError:
        return None
    finally:
        if own_client:
            client.close()


def dataset_report_fetch(row, client: SpeechClient | None = None) -> dict | None:
    """Stores the resource's report file of a finished dataset."""
    files = entity_files(row, client)
    if files is None:
        return None
    body = _report_content(files, "DatasetReport")
    if body is not None:
        type(row).objects.filter(id=row.id).update(report=body)
    return body


def _report_content(files: list[dict], kind: str) -> dict | None:
    """The JSON of the entity's report file of this kind. Its contentUrl is a signed (SAS) URL,
    fetched without the key, as it may point at another host."""
    import httpx

    report = next((f for f in files if f.get("kind") == kind), None)
    if report is None:
        return None
    try:
        response = httpx.get(report["links"]["contentUrl"], timeout=30)
        return response.json() if len(response.content) <= REPORT_MAX_BYTES else None
    except (httpx.HTTPError, ValueError, KeyError):
        return None


# Test connection ------------------------------------------------------------------------------


def resource_test(resource: SpeechResource, client=None) -> tuple[str, str]:
    """Checks the key and the API with one listing; stores and returns (health, message)."""
    own_client = client is None
    try:
        client = client or SpeechClient.for_resource(resource)
        count = sum(1 for _ in client.base_models_list())
        health, message = Health.OK, f"Connected: the resource offers {count} base models."
    except SpeechError as exc:
        health, message = Health.FAILED, _explain(resource, exc)
    finally:
        if own_client and client is not None:
            client.close()
    SpeechResource.objects.filter(id=resource.id).update(
        health=health, health_message=message[:500], health_checked_at=timezone.now()
    )
    return health, message


def _explain(resource: SpeechResource, exc: SpeechError) -> str:
    if isinstance(exc, SpeechNotFound):
        return (
            f"{resource.management_url} answers, but not with the Speech to text API "
            f"{resource.api_version}: check the URL or the region."
        )
    if exc.status in (401, 403):
        return (
            f"The key was refused ({exc.status}). Check that it is a key of this resource and that "
            f"the region ({resource.region}) is the resource's region."
        )
    if "Name or service not known" in exc.message or "nodename" in exc.message:
        return f"The host of {resource.management_url} cannot be found: check the region or URL."
    return exc.message


# Remote edits ---------------------------------------------------------------------------------


def entity_patch(kind: str, pk: int, changes: dict, client=None) -> RemoteMirror | None:
    row = mirror_models()[kind].objects.select_related("resource").filter(id=pk).first()
    if row is None or not row.self_url:
        return None
    own_client = client is None
    client = client or SpeechClient.for_resource(row.resource)
    try:
        body = client.request("PATCH", row.self_url, json=changes).json()
    finally:
        if own_client:
            client.close()
    updated, _ = upsert(row.resource, kind, body)
    return updated


def entity_delete(kind: str, pk: int, client=None) -> None:
    """Deletes on the resource, then here; already gone counts as done."""
    model = mirror_models()[kind]
    row = model.objects.select_related("resource").filter(id=pk).first()
    if row is None:
        return
    if row.self_url:
        own_client = client is None
        client = client or SpeechClient.for_resource(row.resource)
        try:
            client.request("DELETE", row.self_url)
        except SpeechNotFound:
            pass
        finally:
            if own_client:
                client.close()
    row.delete()


def remote_refusal(kind: str, pk: int, exc: SpeechError) -> None:
    """Keeps the resource's refusal on the row (properties.portalError) for the page to show."""
    model = mirror_models()[kind]
    row = model.objects.filter(id=pk).first()
    if row is not None:
        row.properties = {**row.properties, "portalError": exc.message}
        model.objects.filter(id=pk).update(properties=row.properties)


def evaluation_details_fetch(evaluation, client: SpeechClient | None = None) -> dict | None:
    """Stores a finished test's per-file results: each model's score file (reference,
    hypothesis, alignment) and the audio's content URL, keyed by file."""
    import httpx

    files = entity_files(evaluation, client)
    if files is None:
        return None
    rows: dict[str, dict] = {}
    for item in files:
        name, url = item.get("name", ""), (item.get("links") or {}).get("contentUrl")
        if item.get("kind") == "Audio":
            rows.setdefault(name, {"file": name})["audio"] = url
        elif (
            item.get("kind") == "EvaluationDetails"
            and ".model" in name
            and name.endswith("_score.json")
        ):
            audio, side = name.rsplit(".model", 1)
            try:
                score = httpx.get(url, timeout=30).json()
            except (httpx.HTTPError, ValueError):
                continue
            rows.setdefault(audio, {"file": audio})[f"model{side[0]}"] = score
    details = {"files": sorted(rows.values(), key=lambda r: r["file"])}
    type(evaluation).objects.filter(id=evaluation.id).update(details=details)
    return details


def model_files_fetch(model, client: SpeechClient | None = None) -> list | None:
    """Stores a trained model's file list (names, kinds and signed content URLs)."""
    listed = entity_files(model, client)
    if listed is None:
        return None
    files = [
        {
            "name": f.get("name"),
            "kind": f.get("kind"),
            "url": (f.get("links") or {}).get("contentUrl"),
        }
        for f in listed
    ]
    # The training report says what the model was built from, and what was skipped and why.
    report = _report_content(listed, "ModelReport")
    if report is not None:
        files.append({"name": "report", "kind": "TrainingSummary", "content": report})
    type(model).objects.filter(id=model.id).update(files=files)
    return files
