"""Logged recognitions of endpoints with content logging on (and of the base models)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from localspeech.models import EndpointLog


def _folder(log: EndpointLog) -> Path:
    owner = str(log.endpoint_id) if log.endpoint_id else f"base-{log.locale}"
    return settings.LOCALSPEECH_DATA_DIR / str(log.resource_id) / "logs" / owner


def log_paths(log: EndpointLog) -> list[tuple[str, Path]]:
    folder = _folder(log)
    return [("Audio", folder / f"{log.stem}.wav"), ("Transcription", folder / f"{log.stem}.json")]


def log_record(*, resource, endpoint, locale: str, audio: bytes, result: dict) -> EndpointLog:
    from localspeech.clock import now

    log = EndpointLog.objects.create(
        resource=resource, endpoint=endpoint, locale=locale, created_at=now()
    )
    (audio_path, _), (result_path, _) = ((p, k) for k, p in log_paths(log))
    audio_path.parent.mkdir(parents=True, exist_ok=True)
    audio_path.write_bytes(audio)
    result_path.write_text(json.dumps(result, indent=1))
    return log


def log_delete(log: EndpointLog) -> None:
    for _, path in log_paths(log):
        path.unlink(missing_ok=True)
    log.delete()
