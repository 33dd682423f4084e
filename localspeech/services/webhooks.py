"""Web hooks: the registration challenge, and events posted when entities change status.

Posts carry `X-MicrosoftSpeechServices-Event` and, when the hook has a secret,
`X-MicrosoftSpeechServices-Signature`: base64 of the HMAC-SHA256 of the body under the secret.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import secrets

import httpx

from localspeech import clock
from localspeech.models import Entity, Kind, Status
from localspeech.services.urls import UrlRefused, check_url

EVENT_HEADER = "X-MicrosoftSpeechServices-Event"
SIGNATURE_HEADER = "X-MicrosoftSpeechServices-Signature"
TIMEOUT = httpx.Timeout(10.0)


def signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _post(hook: Entity, event: str, payload: dict, params: dict | None = None) -> httpx.Response:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", EVENT_HEADER: event}
    secret = hook.props.get("_secret")
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, body)
    url = check_url(hook.doc["webUrl"], "webUrl")
    return httpx.post(url, content=body, headers=headers, params=params, timeout=TIMEOUT)


def challenge(hook_id: str) -> None:
    """The receiver proves it wants the events by echoing a validation token."""
    hook = Entity.objects.filter(id=hook_id, kind=Kind.WEBHOOK).first()
    if hook is None or hook.status != Status.NOT_STARTED:
        return
    token = secrets.token_urlsafe(16)
    try:
        response = _post(hook, "challenge", {"validationToken": token}, {"validationToken": token})
        ok = response.status_code == 200 and response.text.strip() == token
        reason = f"answered HTTP {response.status_code} without echoing the validation token"
    except (httpx.HTTPError, UrlRefused) as exc:
        ok, reason = False, f"could not be reached ({exc})"
    if ok:
        hook.props.pop("error", None)
        hook.touch(Status.SUCCEEDED)
    else:
        hook.props["error"] = {
            "code": "InvalidCallbackUri",
            "message": f"The web hook URL {reason}. Answer the challenge with status 200 and the "
            "validationToken query parameter as the body.",
        }
        hook.touch(Status.FAILED)
    hook.save()


def _entity_payload(entity: Entity, event: str) -> dict:
    origin = entity.doc.get("_origin", "")
    return {
        "self": f"{origin}/speechtotext/v3.2/{entity.kind}/{entity.id}",
        "kind": entity.kind,
        "status": entity.status,
        "event": event,
        "timestamp": clock.iso(clock.now()),
    }


def deliver(resource_id: str, entity_id: str | None, event: str, payload: dict | None = None):
    """Posts the event to every hook of the resource that subscribed to it; returns how many."""
    if payload is None:
        entity = Entity.objects.filter(id=entity_id).first()
        if entity is None:
            payload = {"self": None, "event": event, "timestamp": clock.iso(clock.now())}
        else:
            payload = _entity_payload(entity, event)
    hooks = Entity.objects.filter(
        resource_id=resource_id, kind=Kind.WEBHOOK, status=Status.SUCCEEDED
    )
    sent = 0
    for hook in hooks:
        if not hook.doc.get("events", {}).get(event):
            continue
        try:
            _post(hook, event, payload)
            sent += 1
        except (httpx.HTTPError, UrlRefused):
            continue  # a receiver that is down misses the event; it can poll the entity
    return sent


def ping(hook: Entity) -> None:
    payload = {"self": None, "event": "ping", "timestamp": clock.iso(clock.now())}
    with contextlib.suppress(httpx.HTTPError, UrlRefused):
        _post(hook, "ping", payload)


def test(hook: Entity) -> int:
    """One sample event per subscribed event kind."""
    sent = 0
    for event, wanted in hook.doc.get("events", {}).items():
        if not wanted or event in ("challenge",):
            continue
        payload = {"self": None, "event": event, "test": True, "timestamp": clock.iso(clock.now())}
        try:
            _post(hook, event, payload)
            sent += 1
        except (httpx.HTTPError, UrlRefused):
            continue
    return sent


def ping_by_id(hook_id: str) -> None:
    hook = Entity.objects.filter(id=hook_id, kind=Kind.WEBHOOK).first()
    if hook is not None:
        ping(hook)


def test_by_id(hook_id: str) -> None:
    hook = Entity.objects.filter(id=hook_id, kind=Kind.WEBHOOK, status=Status.SUCCEEDED).first()
    if hook is not None:
        test(hook)
