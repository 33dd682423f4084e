from __future__ import annotations

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """Marks the navigation entry of the current section."""
    match = getattr(request, "resolver_match", None)
    return {"nav_section": (match.namespace or match.url_name) if match else ""}
