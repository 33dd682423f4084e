"""Out-of-vocabulary words of a dataset against a base model's dictionary, where it is known."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from speechformats.text import normalize_for_scoring


def read_dictionary(path: Path) -> set[str]:
    """Words of a CMU-style dictionary (`word phones`, alternates as `word(2)`)."""
    words = set()
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            word = line.split(" ", 1)[0]
            words.add(re.sub(r"\(\d+\)$", "", word).lower())
    return words


def out_of_vocabulary(
    texts: list[str], dictionary: set[str], top: int = 50
) -> list[tuple[str, int]]:
    counts = Counter(
        word
        for text in texts
        for word in normalize_for_scoring(text).split()
        if word not in dictionary
    )
    return counts.most_common(top)
