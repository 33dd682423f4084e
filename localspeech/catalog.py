"""The base models every local resource offers, dated relative to today.

One base model per quarter for the last ten quarters: the newest ones can be adapted, older ones
only transcribe, the oldest has expired, so every lifecycle path is there without editing rows.
Ids are stable (uuid5 of locale and creation date), so references outlive the quarter.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.utils import timezone

from localspeech.clock import adaptation_deadline, previous_quarter_end, transcription_deadline

LOCALES = ("en-US",)
QUARTERS = 10
_NAMESPACE = uuid.UUID("6f1d1c1e-5a36-4c55-9d4b-6c6f63616c73")
ALL_KINDS = ["Language", "Acoustic", "Pronunciation", "LanguageMarkdown", "OutputFormatting"]
OLDER_KINDS = ["Language", "Acoustic", "Pronunciation"]


@dataclass(frozen=True)
class BaseModel:
    id: uuid.UUID
    locale: str
    created: datetime
    adapts_with: tuple[str, ...]

    @property
    def display_name(self) -> str:
        return f"{self.created:%Y%m%d}"

    @property
    def adaptation_until(self) -> datetime:
        return adaptation_deadline(self.created)

    @property
    def transcription_until(self) -> datetime:
        return transcription_deadline(self.created)

    def can_adapt(self, at: datetime) -> bool:
        return at < self.adaptation_until

    def can_transcribe(self, at: datetime) -> bool:
        return at < self.transcription_until


def base_models(locale: str | None = None) -> list[BaseModel]:
    """Newest first. Anchored to the real date, not the moved clock, so moving the clock ages
    them like everything else."""
    anchor = timezone.now().date()
    models: list[BaseModel] = []
    for locale_name in LOCALES if locale is None else [locale]:
        if locale_name not in LOCALES:
            continue
        end = previous_quarter_end(anchor)
        for index in range(QUARTERS):
            created_day = date.fromordinal(end.toordinal() + 1)
            created = datetime(created_day.year, created_day.month, created_day.day, tzinfo=UTC)
            key = f"{locale_name}/{created_day.isoformat()}"
            models.append(
                BaseModel(
                    id=uuid.uuid5(_NAMESPACE, key),
                    locale=locale_name,
                    created=created,
                    adapts_with=tuple(ALL_KINDS if index == 0 else OLDER_KINDS),
                )
            )
            end = previous_quarter_end(end)
    return models


def base_model(model_id: uuid.UUID | str) -> BaseModel | None:
    wanted = str(model_id)
    return next((m for m in base_models() if str(m.id) == wanted), None)


def newest_base_model(locale: str) -> BaseModel | None:
    models = base_models(locale)
    return models[0] if models else None
