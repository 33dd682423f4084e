"""Errors of calls to a Speech resource, split by what a caller should do about them."""

from __future__ import annotations


class SpeechError(Exception):
    """A call to a Speech resource failed. `message` is safe to show: it never holds the key."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class SpeechTransientError(SpeechError):
    """Worth retrying later: timeouts, connection failures, 408, 429, 5xx."""

    def __init__(
        self,
        message: str,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status, code)
        self.retry_after = retry_after


class SpeechPermanentError(SpeechError):
    """Retrying will not help: bad key, bad request, conflict."""


class SpeechNotFound(SpeechPermanentError):
    """The entity is not on the resource (deleted, or another resource's)."""
