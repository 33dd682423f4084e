"""Checks on URLs the service is asked to fetch from or post to (contentUrl, web hooks)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class UrlRefused(ValueError):
    """The URL may not be used; the message says why."""


def check_url(url: str, field: str) -> str:
    if not isinstance(url, str) or not url.strip():
        raise UrlRefused(f"'{field}' must be a URL.")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise UrlRefused(f"'{field}' must be an http or https URL, not {parts.scheme or 'none'!r}.")
    if not parts.hostname:
        raise UrlRefused(f"'{field}' has no host: {url!r}.")
    if not settings.LOCALSPEECH_ALLOW_PRIVATE_URLS:
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
        except socket.gaierror as exc:
            raise UrlRefused(f"'{field}' host {parts.hostname!r} cannot be resolved.") from exc
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if not address.is_global:
                raise UrlRefused(
                    f"'{field}' points at a private or local address ({address}); this "
                    "service refuses those unless LOCALSPEECH_ALLOW_PRIVATE_URLS is on."
                )
    return url.strip()
