"""Custom display formatting (OutputFormatting datasets): after the default display form, the
custom ITN patterns, then the rewrites, then the profanity list (how-to-custom-speech-display-text
-format). Matching is case-insensitive; the longest rewrite wins.

Custom ITN here takes literal patterns ("JO:500") and a digit wildcard, # or \\d ("KS-###"):
letters match spelled out ("j o") or as one word ("jo"), digits match as digits or spoken one by
one ("five zero zero"), and the pattern's punctuation may be missing from what was heard. Other
regular-expression wildcards are not supported. No library does pattern-based ITN.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

_DIGIT_WORDS = {
    "0": "zero|oh", "1": "one", "2": "two", "3": "three", "4": "four",
    "5": "five", "6": "six", "7": "seven", "8": "eight", "9": "nine",
}  # fmt: skip
_GAP = r"[\s.:\-/]*"


def _digit(d: str | None) -> str:
    if d is None:  # the \d wildcard
        return r"(?:\d|" + "|".join(_DIGIT_WORDS.values()) + ")"
    return f"(?:{d}|{_DIGIT_WORDS[d]})"


def _digit_value(spoken: str) -> str:
    spoken = spoken.lower()
    if spoken.isdigit():
        return spoken
    return next(d for d, words in _DIGIT_WORDS.items() if spoken in words.split("|"))


@dataclass
class ItnPattern:
    pattern: str
    regex: re.Pattern = field(init=False, repr=False)

    def __post_init__(self) -> None:
        parts: list[str] = []
        tokens = re.findall(r"\\d|#|[A-Za-z]+|\d|[^A-Za-z\d\s]", self.pattern)
        for token in tokens:
            if token in ("#", "\\d"):
                parts.append(f"({_digit(None)})")
            elif token.isdigit():
                parts.append(f"({_digit(token)})")
            elif token.isalpha():
                # A spelled "o" may already be a zero after the default ITN.
                spelled = _GAP.join(("[o0]" if c == "o" else c) + "\\.?" for c in token.lower())
                parts.append(f"(?:{token.lower()}|{spelled})")
            # Punctuation of the pattern is written back, not required in what was heard.
        self.regex = re.compile(r"(?<![\w])" + _GAP.join(parts) + r"(?![\w])", re.IGNORECASE)

    def apply(self, text: str) -> str:
        return self.regex.sub(self._render, text)

    def _render(self, match: re.Match) -> str:
        digits = iter(_digit_value(g) for g in match.groups())
        return re.sub(r"\\d|#|\d", lambda m: next(digits), self.pattern)


@dataclass
class OutputRules:
    itn: list[str] = field(default_factory=list)
    rewrite: list[tuple[str, str]] = field(default_factory=list)
    profanity: list[str] = field(default_factory=list)

    @classmethod
    def from_lines(cls, items: list[tuple[str, str]]) -> OutputRules:
        """From a validated dataset's (section, line) items."""
        rules = cls()
        for section, line in items:
            if section == "itn":
                rules.itn.append(line.strip())
            elif section == "rewrite":
                old, new = line.split("\t")
                rules.rewrite.append((old.strip(), new.strip()))
            elif section == "profanity":
                rules.profanity.append(line.strip())
        return rules

    def to_json(self) -> dict:
        return {"itn": self.itn, "rewrite": self.rewrite, "profanity": self.profanity}

    @classmethod
    def from_json(cls, data: dict) -> OutputRules:
        return cls(data.get("itn", []), [tuple(p) for p in data.get("rewrite", [])],
                   data.get("profanity", []))  # fmt: skip

    @functools.cached_property
    def _itn_patterns(self) -> list[ItnPattern]:
        return [ItnPattern(pattern) for pattern in self.itn]

    def apply(self, display: str) -> str:
        """The default display form with the custom rules applied."""
        text = display
        for pattern in self._itn_patterns:
            text = pattern.apply(text)
        for old, new in sorted(self.rewrite, key=lambda pair: -len(pair[0])):
            text = re.sub(rf"(?i)(?<!\w){re.escape(old)}(?!\w)", new, text)
        for word in sorted(self.profanity, key=len, reverse=True):
            text = re.sub(rf"(?i)(?<!\w){re.escape(word)}(?!\w)", lambda m: "*" * len(m[0]), text)
        return text
