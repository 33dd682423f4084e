"""The service's clock and the documented lifecycle dates (RULES.md, Lifecycle)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

QUARTER_ENDS = ((1, 15), (4, 15), (7, 15), (10, 15))


def now() -> datetime:
    """Now, moved by LOCALSPEECH_CLOCK_OFFSET_DAYS so tests can age models without editing rows."""
    return timezone.now() + timedelta(days=settings.LOCALSPEECH_CLOCK_OFFSET_DAYS)


def quarter_end(moment: datetime | date) -> date:
    """The end of the quarter `moment` falls in: the first 15 Jan/Apr/Jul/Oct on or after it."""
    day = moment.date() if isinstance(moment, datetime) else moment
    for month, dom in QUARTER_ENDS:
        end = date(day.year, month, dom)
        if day <= end:
            return end
    return date(day.year + 1, 1, 15)


def previous_quarter_end(day: date) -> date:
    """The last quarter end strictly before `day`."""
    candidates = [date(day.year - 1, 10, 15)] + [date(day.year, m, d) for m, d in QUARTER_ENDS]
    return max(c for c in candidates if c < day)


def years_after(day: date, years: int) -> datetime:
    return datetime(day.year + years, day.month, day.day, tzinfo=UTC)


def adaptation_deadline(created: datetime | date) -> datetime:
    """A base model can be used for adaptation until one year after its quarter ends."""
    return years_after(quarter_end(created), 1)


def transcription_deadline(created: datetime | date) -> datetime:
    """Base and custom models transcribe until two years after their quarter ends."""
    return years_after(quarter_end(created), 2)


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
