"""The Speech to text REST API client: one per resource, over httpx.

Every call takes one request from the resource's budget, has a timeout, and turns the API's
Error body into a typed exception. Throttling (429) is waited out and retried, as are 408 and
5xx on reads; a create is not re-sent after a 5xx or timeout, because the first one may have
landed (the caller's task finds it by its request id instead).
"""

from __future__ import annotations

import gc
import logging
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx
from django.core.exceptions import ImproperlyConfigured

from portal.speech import ratelimit
from portal.speech.errors import (
    SpeechError,
    SpeechNotFound,
    SpeechPermanentError,
    SpeechTransientError,
)

logger = logging.getLogger(__name__)
KEY_HEADER = "Ocp-Apim-Subscription-Key"
TIMEOUT = httpx.Timeout(30.0, connect=5.0)
MAX_ATTEMPTS = 4
MAX_BACKOFF = 30.0
ENTITY_KINDS = ("projects", "datasets", "models", "evaluations", "endpoints", "transcriptions")


@dataclass(frozen=True)
class V32:
    """Paths of the v3.2 API. A dated version (2024-11-15, 2025-10-15) adds an adapter with an
    `api-version` query parameter instead of a path prefix."""

    prefix: str = "/speechtotext/v3.2"
    query: tuple = ()


ADAPTERS = {"v3.2": V32()}


def retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def backoff(attempt: int, retry_after: float | None) -> float:
    """Capped exponential backoff with jitter; a server's Retry-After wins when longer."""
    computed = min(MAX_BACKOFF, 0.5 * 2**attempt) * (0.5 + random.random() / 2)
    return min(MAX_BACKOFF, max(computed, retry_after or 0.0))


def _error_message(response: httpx.Response) -> tuple[str, str | None]:
    try:
        body = response.json()
    except ValueError:
        return (response.text[:200] or response.reason_phrase), None
    if isinstance(body, dict):
        inner = body.get("innerError") or {}
        code = inner.get("code") or body.get("code")
        return str(body.get("message") or inner.get("message") or body)[:500], code
    return str(body)[:200], None


class SpeechClient:
    def __init__(
        self,
        *,
        resource_id: int,
        management_url: str,
        key: str,
        api_version: str = "v3.2",
        budget: ratelimit.Budget | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep=time.sleep,
    ) -> None:
        if api_version not in ADAPTERS:
            raise ImproperlyConfigured(f"API version {api_version!r} has no adapter yet.")
        self.adapter = ADAPTERS[api_version]
        self.base = management_url.rstrip("/") + self.adapter.prefix
        self.host = urlsplit(self.base).netloc
        self.budget = budget
        self.sleep = sleep
        self.requests_sent = 0
        self.throttled = 0  # 429 answers seen: a budget that fits the resource keeps this at 0
        self._http = httpx.Client(
            headers={KEY_HEADER: key}, timeout=TIMEOUT, transport=transport, follow_redirects=False
        )

    @classmethod
    def for_resource(cls, resource, **kwargs) -> SpeechClient:
        budget = ratelimit.Budget(resource.id, resource.budget_requests, resource.budget_seconds)
        return cls(
            resource_id=resource.id,
            management_url=resource.management_url,
            key=resource.key(),
            api_version=resource.api_version,
            budget=budget,
            **kwargs,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SpeechClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # Plumbing --------------------------------------------------------------------------------

    def url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            if urlsplit(path_or_url).netloc != self.host:
                raise SpeechPermanentError(
                    f"Refusing to send the key to another host: {path_or_url}"
                )
            return path_or_url
        return f"{self.base}/{path_or_url.lstrip('/')}"

    def request(
        self, method: str, path: str, *, retry_unsafe: bool = False, **kwargs
    ) -> httpx.Response:
        """Sends one call, retrying throttling always and other transient failures on reads."""
        url = self.url(path)
        safe = method in ("GET", "HEAD", "PUT", "DELETE") or retry_unsafe
        for attempt in range(MAX_ATTEMPTS):
            if self.budget is not None:
                ratelimit.acquire(self.budget)
            try:
                self.requests_sent += 1
                response = self._http.request(method, url, **kwargs)
            except httpx.TimeoutException as exc:
                error: SpeechError = SpeechTransientError(
                    f"{self.host} did not answer in time ({type(exc).__name__})."
                )
            except httpx.TransportError as exc:
                error = SpeechTransientError(f"Cannot reach {self.host}: {exc}.")
            else:
                if response.status_code < 400:
                    return response
                error = self._error(response)
            if not isinstance(error, SpeechTransientError) or attempt == MAX_ATTEMPTS - 1:
                raise error
            if not safe and error.status != 429:
                raise error  # the first attempt may have landed
            wait = backoff(attempt, error.retry_after)
            logger.info("speech: %s %s: %s; retrying in %.1f s", method, url, error.status, wait)
            self.sleep(wait)
        raise AssertionError("unreachable")

    def _error(self, response: httpx.Response) -> SpeechError:
        message, code = _error_message(response)
        status = response.status_code
        if status in (408, 429) or status >= 500:
            retry_after = retry_after_seconds(response)
            if status == 429:
                self.throttled += 1
                wait = f"; retry in {retry_after:.0f} s" if retry_after is not None else ""
                message = f"The resource is throttling requests (429){wait}."
            return SpeechTransientError(message, status, code, retry_after)
        if status in (401, 403):
            return SpeechPermanentError(
                f"The key was refused ({status}): {message} Check the key and that the resource's "
                "region and URL are the ones the key belongs to.",
                status,
                code,
            )
        if status == 404:
            return SpeechNotFound(message, status, code)
        return SpeechPermanentError(message, status, code)

    def get_json(self, path: str, **params) -> dict:
        return self.request("GET", path, params=params or None).json()

    def paged(self, path: str, **params) -> Iterator[dict]:
        """Every value of a list, following @nextLink."""
        page = self.get_json(path, **{k: v for k, v in params.items() if v is not None})
        while True:
            yield from page.get("values", [])
            next_link = page.get("@nextLink")
            if not next_link:
                return
            page = self.get_json(next_link)

    # Operations ------------------------------------------------------------------------------

    def projects_list(self, filter: str | None = None) -> Iterator[dict]:
        return self.paged("projects", filter=filter)

    def project_create(self, body: dict) -> dict:
        return self.request("POST", "projects", json=body).json()

    def project_update(self, url: str, body: dict) -> dict:
        return self.request("PATCH", url, json=body).json()

    def entity_get(self, url: str) -> dict:
        return self.get_json(url)

    def entity_delete(self, url: str) -> None:
        self.request("DELETE", url)

    def entities_list(
        self, kind: str, filter: str | None = None, top: int | None = None
    ) -> Iterator[dict]:
        if kind not in ENTITY_KINDS:
            raise ValueError(f"unknown entity kind {kind!r}")
        return self.paged(kind, filter=filter, top=top)

    def base_models_list(self) -> Iterator[dict]:
        return self.paged("models/base")

    def locales(self, kind: str = "projects") -> list[str]:
        return self.get_json(f"{kind}/locales")

    def dataset_create(self, body: dict) -> dict:
        return self.request("POST", "datasets", json=body).json()

    def dataset_upload_block(self, url: str, block_id: str, data: bytes) -> None:
        response = self.request(
            "PUT",
            url,
            params={"blockid": block_id},
            content=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        response.close()
        del response, data
        # httpx's response and its stream refer to each other, so each 8 MiB block would wait
        # for the cyclic garbage collector; collecting now keeps an upload's memory flat.
        gc.collect()

    def dataset_blocks(self, url: str) -> dict:
        return self.get_json(url)

    def dataset_commit_blocks(self, url: str, block_ids: list[str]) -> None:
        self.request(
            "POST", url, json=[{"kind": "Latest", "id": b} for b in block_ids], retry_unsafe=True
        )

    def model_create(self, body: dict) -> dict:
        return self.request("POST", "models", json=body).json()

    def model_authorize_copy(self, source_resource_id: str) -> dict:
        return self.request(
            "POST", "models:authorizecopy", json={"sourceResourceId": source_resource_id}
        ).json()

    def model_copy(self, url: str, authorization: dict) -> httpx.Response:
        # The same authorization always names the same copy, so this may be sent again.
        return self.request("POST", f"{url}:copy", json=authorization, retry_unsafe=True)

    def evaluation_create(self, body: dict) -> dict:
        return self.request("POST", "evaluations", json=body).json()

    def endpoint_create(self, body: dict) -> dict:
        return self.request("POST", "endpoints", json=body).json()

    def endpoint_update(self, url: str, body: dict) -> dict:
        return self.request("PATCH", url, json=body).json()

    def transcription_create(self, body: dict) -> dict:
        return self.request("POST", "transcriptions", json=body).json()
