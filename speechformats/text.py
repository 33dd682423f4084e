"""Text normalization for scoring (RULES.md: lowercase, no punctuation but in-word apostrophes,
numbers as words) and the display form of recognized text (capitals, punctuation, digits)."""

from __future__ import annotations

import re

from num2words import num2words
from text_to_num import alpha2digit

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?")
_PUNCT = re.compile(r"[^\w\s']|_")
_EDGE_APOSTROPHES = re.compile(r"(?<!\w)'|'(?!\w)")
_SPACES = re.compile(r"\s+")
_TYPOGRAPHIC = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def _number_words(match: re.Match[str]) -> str:
    token = match.group(0)
    ordinal = token[-2:] in {"st", "nd", "rd", "th"}
    digits = token[:-2] if ordinal else token
    digits = digits.replace(",", "")
    try:
        value = float(digits) if "." in digits else int(digits)
        words = num2words(value, to="ordinal" if ordinal and isinstance(value, int) else "cardinal")
    except (ValueError, OverflowError, NotImplementedError):
        return token
    return f" {words} "


def normalize_for_scoring(text: str, locale: str = "en-US") -> str:
    """The lexical form both sides of a WER are compared in."""
    text = text.translate(_TYPOGRAPHIC).lower()
    if locale.lower().startswith("en"):
        text = _NUMBER.sub(_number_words, text)
    text = text.replace("-", " ")
    text = _PUNCT.sub(" ", text)
    text = _EDGE_APOSTROPHES.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> list[str]:
    return normalize_for_scoring(text).split()


def display_form(lexical: str, locale: str = "en-US") -> str:
    """Lexical recognizer output to display text: numbers as digits, a capital, a full stop."""
    text = lexical.strip()
    if not text:
        return ""
    if locale.lower().startswith("en"):
        text = alpha2digit(text, "en")
    text = re.sub(r"\bi\b", "I", text)
    text = text[0].upper() + text[1:]
    if text[-1] not in ".?!":
        text += "."
    return text
