"""Documented dataset limits (RULES.md). Where two pages disagree the stricter value is the
default; the bundled service and the portal may override them from settings."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    zip_bytes: int = 2 * 1024 * MB
    zip_files: int = 10_000
    # Bounds for unpacking (zip bombs): total unpacked size and unpacked/packed ratio per member.
    unzipped_bytes: int = 4 * 1024 * MB
    zip_ratio: int = 200
    audio_seconds_training: float = 40.0
    audio_seconds_testing: float = 2 * 3600.0
    language_bytes: int = 200 * MB
    markdown_bytes: int = 200 * MB
    pronunciation_bytes: int = 1 * MB
    output_formatting_bytes: int = 10 * MB
    markdown_lists: int = 10
    markdown_list_items: int = 4_000
    markdown_lexicon_entries: int = 15_000
    markdown_pronunciations_per_word: int = 2
    itn_lines: int = 200
    rewrite_lines: int = 1_000
    profanity_lines: int = 1_000
    max_repeats: int = 3
    sample_rates: tuple[int, ...] = (8000, 16000)


DEFAULT_LIMITS = Limits()
