"""Secrets at rest: Fernet with PORTAL_ENCRYPTION_KEY (comma-separated keys rotate: the first
encrypts, all of them decrypt)."""

from __future__ import annotations

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@functools.lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "PORTAL_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes), "
            "comma-separated to rotate"
        ) from exc


def encrypt(secret: str) -> str:
    return _fernet(settings.PORTAL_ENCRYPTION_KEY).encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.PORTAL_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted: PORTAL_ENCRYPTION_KEY changed without keeping "
            "the old key in the list"
        ) from exc
