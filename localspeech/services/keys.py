"""Local Speech resources and their keys."""

from __future__ import annotations

import secrets

from django.db import transaction

from localspeech.models import Resource, ResourceKey, key_digest

MAX_KEYS = 2


def resource_create(*, name: str, region: str) -> tuple[Resource, str]:
    with transaction.atomic():
        resource = Resource.objects.create(name=name, region=region)
        key = key_add(resource=resource)
    return resource, key


def key_add(*, resource: Resource) -> str:
    """A new key; with two already, the older is revoked (KEY1/KEY2 rotation)."""
    key = secrets.token_hex(16)
    with transaction.atomic():
        keys = list(resource.keys.select_for_update().order_by("created_at"))
        for old in keys[: max(0, len(keys) - MAX_KEYS + 1)]:
            old.delete()
        ResourceKey.objects.create(resource=resource, digest=key_digest(key), last4=key[-4:])
    return key


def resource_for_key(key: str) -> Resource | None:
    found = ResourceKey.objects.select_related("resource").filter(digest=key_digest(key)).first()
    return found.resource if found else None
