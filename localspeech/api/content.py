"""Downloads behind signed content URLs (no key needed until the signature expires)."""

from __future__ import annotations

from pathlib import Path

import pocketsphinx
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, JsonResponse


def content(request: HttpRequest, token: str):
    from localspeech.storage import unsign_path

    try:
        path = unsign_path(token)
    except signing.SignatureExpired:
        return JsonResponse(
            {
                "code": "Forbidden",
                "message": "This content URL has expired; list the files again for a new one.",
            },
            status=403,
        )
    except signing.BadSignature:
        return JsonResponse(
            {"code": "Forbidden", "message": "This content URL is not valid."}, status=403
        )
    if not path.is_file():
        raise Http404("The file is gone.")
    return FileResponse(path.open("rb"), as_attachment=False, filename=path.name)


def base_model_file(request: HttpRequest, name: str):
    root = Path(pocketsphinx.get_model_path()) / "en-us"
    if name not in ("en-us.lm.bin", "cmudict-en-us.dict"):
        raise Http404("No such base model file.")
    return FileResponse((root / name).open("rb"), filename=name)
