"""Word, sentence and token error rates with jiwer (alignment by Levenshtein distance)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import jiwer

from speechformats.text import normalize_for_scoring


@dataclass
class ErrorCounts:
    reference_words: int = 0
    correct: int = 0
    substitutions: int = 0
    deletions: int = 0
    insertions: int = 0
    sentences: int = 0
    sentence_errors: int = 0

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    @property
    def error_rate(self) -> float:
        if self.reference_words == 0:
            return 0.0 if self.insertions == 0 else 1.0
        return self.errors / self.reference_words

    @property
    def sentence_error_rate(self) -> float:
        return self.sentence_errors / self.sentences if self.sentences else 0.0

    def add(self, other: ErrorCounts) -> None:
        for field, value in asdict(other).items():
            setattr(self, field, getattr(self, field) + value)


def _count(reference: list[str], hypothesis: list[str]) -> ErrorCounts:
    counts = ErrorCounts(reference_words=len(reference), sentences=1)
    if not reference and not hypothesis:
        return counts
    if not reference:
        counts.insertions = len(hypothesis)
    elif not hypothesis:
        counts.deletions = len(reference)
    else:
        out = jiwer.process_words(" ".join(reference), " ".join(hypothesis))
        counts.correct = out.hits
        counts.substitutions = out.substitutions
        counts.deletions = out.deletions
        counts.insertions = out.insertions
    counts.sentence_errors = 1 if counts.errors else 0
    return counts


def word_errors(reference: str, hypothesis: str, locale: str = "en-US") -> ErrorCounts:
    """Errors after the documented normalization (case, punctuation, numbers as words)."""
    ref = normalize_for_scoring(reference, locale).split()
    hyp = normalize_for_scoring(hypothesis, locale).split()
    return _count(ref, hyp)


def token_errors(reference_display: str, hypothesis_display: str) -> ErrorCounts:
    """Errors on display forms as they are: case, punctuation and digits all count."""
    return _count(reference_display.split(), hypothesis_display.split())


def alignment(reference: str, hypothesis: str, locale: str = "en-US") -> list[dict]:
    """Word-by-word alignment for side-by-side inspection: op is equal/substitute/delete/insert."""
    ref = normalize_for_scoring(reference, locale).split()
    hyp = normalize_for_scoring(hypothesis, locale).split()
    if not ref or not hyp:
        return [{"op": "delete", "ref": w, "hyp": ""} for w in ref] + [
            {"op": "insert", "ref": "", "hyp": w} for w in hyp
        ]
    out = jiwer.process_words(" ".join(ref), " ".join(hyp))
    rows: list[dict] = []
    for chunk in out.alignments[0]:
        r = ref[chunk.ref_start_idx : chunk.ref_end_idx]
        h = hyp[chunk.hyp_start_idx : chunk.hyp_end_idx]
        if chunk.type in ("equal", "substitute"):
            rows += [{"op": chunk.type, "ref": a, "hyp": b} for a, b in zip(r, h, strict=True)]
        elif chunk.type == "delete":
            rows += [{"op": "delete", "ref": a, "hyp": ""} for a in r]
        else:
            rows += [{"op": "insert", "ref": "", "hyp": b} for b in h]
    return rows


def _strip_punctuation(token: str) -> str:
    return "".join(c for c in token if c.isalnum() or c == "'")


def token_error_details(reference_display: str, hypothesis_display: str) -> dict[str, int]:
    """Display-form edits by cause, as the API's TokenErrorDetails groups them."""
    ref, hyp = reference_display.split(), hypothesis_display.split()
    causes = dict.fromkeys(
        ("punctuation", "capitalization", "inverseTextNormalization", "lexical", "others"), 0
    )
    if not ref or not hyp:
        causes["lexical"] += len(ref) + len(hyp)
        return causes
    out = jiwer.process_words(" ".join(ref), " ".join(hyp))
    for chunk in out.alignments[0]:
        r = ref[chunk.ref_start_idx : chunk.ref_end_idx]
        h = hyp[chunk.hyp_start_idx : chunk.hyp_end_idx]
        if chunk.type == "substitute":
            for a, b in zip(r, h, strict=True):
                if a.lower() == b.lower():
                    causes["capitalization"] += 1
                elif _strip_punctuation(a).lower() == _strip_punctuation(b).lower():
                    causes["punctuation"] += 1
                elif normalize_for_scoring(a) == normalize_for_scoring(b):
                    causes["inverseTextNormalization"] += 1
                else:
                    causes["lexical"] += 1
        elif chunk.type in ("delete", "insert"):
            for token in r or h:
                causes["punctuation" if not _strip_punctuation(token) else "lexical"] += 1
    return causes
