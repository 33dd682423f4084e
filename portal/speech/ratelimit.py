"""A per-resource request budget shared by every worker: Redis when REDIS_URL is set, the
database otherwise. Fixed windows aligned to the budget's length, like the service's quota."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from portal.speech.errors import SpeechTransientError


@dataclass(frozen=True)
class Budget:
    resource_id: int
    requests: int
    seconds: int


def _window(budget: Budget, now: float) -> int:
    return int(now // budget.seconds)


def _take_redis(budget: Budget, window: int) -> int:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    key = f"portal:budget:{budget.resource_id}:{window}"
    with client.pipeline() as pipe:
        pipe.incr(key)
        pipe.expire(key, budget.seconds * 2)
        used, _ = pipe.execute()
    return int(used)


def _take_database(budget: Budget, window: int) -> int:
    from portal.models import RequestWindow

    with transaction.atomic():
        updated = RequestWindow.objects.filter(
            resource_id=budget.resource_id, window=window
        ).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RequestWindow.objects.create(
                        resource_id=budget.resource_id, window=window, count=1
                    )
                    RequestWindow.objects.filter(
                        resource_id=budget.resource_id, window__lt=window - 1
                    ).delete()
                return 1
            except IntegrityError:
                RequestWindow.objects.filter(resource_id=budget.resource_id, window=window).update(
                    count=F("count") + 1
                )
        return RequestWindow.objects.get(resource_id=budget.resource_id, window=window).count


def used_now(budget: Budget) -> int:
    """Requests already spent in the current window (for the resource page)."""
    window = _window(budget, time.time())
    if settings.REDIS_URL:
        import redis

        value = redis.Redis.from_url(settings.REDIS_URL).get(
            f"portal:budget:{budget.resource_id}:{window}"
        )
        return int(value or 0)
    from portal.models import RequestWindow

    row = RequestWindow.objects.filter(resource_id=budget.resource_id, window=window).first()
    return row.count if row else 0


def acquire(budget: Budget, max_wait: float = 15.0) -> None:
    """Takes one request from the budget, waiting for the next window when this one is spent.

    Raises SpeechTransientError (with retry_after) rather than waiting longer than max_wait.
    """
    deadline = time.monotonic() + max_wait
    while True:
        now = time.time()
        window = _window(budget, now)
        take = _take_redis if settings.REDIS_URL else _take_database
        if take(budget, window) <= budget.requests:
            return
        wait = (window + 1) * budget.seconds - now + 0.01
        if time.monotonic() + wait > deadline:
            raise SpeechTransientError(
                f"The request budget of {budget.requests} per {budget.seconds} s is spent.",
                retry_after=wait,
            )
        time.sleep(wait)
