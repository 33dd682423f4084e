"""Training a custom model: a language model from the training text and pronunciations for
every new word, written as the model's artifacts."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")  # kaldingram reports progress with tqdm

from kaldingram import train as kn_train

from localspeech.engine import acoustic
from localspeech.engine.lexicon import (
    BASE_DICT,
    base_dictionary,
    frequent_words,
    lexicon_phones,
    pronounce,
    spoken_form_phones,
)
from speechformats.text import normalize_for_scoring

LM_FILE = "language-model.arpa"
DICT_FILE = "dictionary.dict"
NEW_WORDS_FILE = "new-words.dict"
DISPLAY_FILE = "display-forms.json"
REPORT_FILE = "training-report.json"
DECODER_FILE = "decoder.json"
# The custom LM's share of the interpolation when a model is made without
# customModelWeightPercent: chosen by benchmarks/engine_accuracy.py (see the README).
DEFAULT_WEIGHT_PERCENT = 30
# Kept below 1: the base model keeps a sliver of probability, so words outside the domain text
# stay possible (a zero weight has no logarithm).
MAX_CUSTOM_WEIGHT = 0.99
# Words of the base dictionary a custom model's decoder keeps (the likeliest by the base LM), on
# top of every word of the domain text: chosen with benchmarks/engine_accuracy.py, where 40,000
# kept general speech at the base model's WER and searched about twice as fast as all 126,000.
VOCABULARY = 40_000
LARGE_CORPUS_BYTES = 2 * 1024 * 1024


class TrainingError(ValueError):
    """Training cannot produce a model; the message says why and what to do."""


@dataclass
class TrainingData:
    sentences: list[str] = field(default_factory=list)
    pronunciations: list[tuple[str, str]] = field(default_factory=list)  # (display, spoken)
    # OutputFormatting rules as (section, line): applied to the display form, not trained on.
    formatting: list[tuple[str, str]] = field(default_factory=list)
    # LanguageMarkdown "@ speech:phoneticlexicon" entries: (word, phones).
    lexicon: list[tuple[str, str]] = field(default_factory=list)
    # Acoustic data: (read the WAV, its transcript), for acoustic adaptation.
    audio: list[tuple[Callable[[], bytes], str]] = field(default_factory=list)


def _token(display: str) -> str:
    return re.sub(r"[^a-z0-9']+", "", display.lower())


def train(
    data: TrainingData, out_dir: Path, order: int = 3, weight_percent: int | None = None
) -> dict:
    """Writes the custom LM, the new words' pronunciations, the display forms and how the
    decoder interpolates the custom LM with the base one; returns the report."""
    out_dir.mkdir(parents=True, exist_ok=True)
    display_forms: dict[str, str] = {}
    spoken_to_token: dict[str, str] = {}
    for display, spoken in data.pronunciations:
        token = _token(display)
        if token:
            display_forms[token] = display
            spoken_to_token[spoken.lower()] = token

    lines: list[str] = []
    for sentence in data.sentences:
        normalized = normalize_for_scoring(sentence)
        for display, token in ((d, _token(d)) for d in display_forms.values()):
            normalized = re.sub(rf"\b{re.escape(display.lower())}\b", token, normalized)
        if normalized:
            lines.append(normalized)
    if not lines:
        raise TrainingError("The training data has no usable text: add a Language dataset.")

    vocabulary = sorted({word for line in lines for word in line.split()})
    known = base_dictionary()
    new_words = [w for w in vocabulary if w not in known and w not in display_forms]
    extra = pronounce(new_words)
    entries: dict[str, list[str]] = dict(extra)
    for spoken, token in spoken_to_token.items():
        phones = spoken_form_phones(spoken, extra)
        if phones:
            entries.setdefault(token, []).insert(0, phones)
    unusable_lexicon = []
    for word, phones in data.lexicon:
        mapped, token = lexicon_phones(phones), _token(word)
        if mapped and token:
            entries.setdefault(token, []).insert(0, mapped)
        else:
            unusable_lexicon.append(f"{word}/{phones}")
    unpronounceable = [w for w in vocabulary if w not in known and w not in entries]
    lines = [" ".join(w for w in line.split() if w not in unpronounceable) for line in lines]
    lines = [line for line in lines if line]

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as corpus:
        for line in lines:
            corpus.write(line + "\n")
        corpus_bytes = corpus.tell()
    effective_order = min(order, max(1, max(len(line.split()) for line in lines)))
    # A large corpus drops the trigrams seen once (SRILM's -gt3min 2): counting 10 MB of text
    # with all of them took 1.6 GB; a small domain corpus keeps every one, they are its point.
    cutoffs = (
        ["--gt3min", "2"] if corpus_bytes > LARGE_CORPUS_BYTES and effective_order >= 3 else []
    )
    try:
        kn_train.main(
            [
                "--text",
                corpus.name,
                "--lm",
                str(out_dir / LM_FILE),
                "--ngram-order",
                str(max(effective_order, 2)),
                *cutoffs,
            ]
        )
    except (ZeroDivisionError, ValueError) as exc:
        raise TrainingError(
            f"The training text is too small to build a language model ({exc})."
        ) from exc
    finally:
        Path(corpus.name).unlink(missing_ok=True)

    _write_dictionaries(
        out_dir, {w for line in lines for w in line.split()} | frequent_words(VOCABULARY), entries
    )
    (out_dir / DISPLAY_FILE).write_text(json.dumps(display_forms, indent=1))
    weight = min(MAX_CUSTOM_WEIGHT, (weight_percent or DEFAULT_WEIGHT_PERCENT) / 100)
    decoder: dict = {
        "baseLanguageModel": "en-us.lm.bin",
        "customWeight": weight,
        "dictionary": DICT_FILE,
        "vocabulary": VOCABULARY,
    }
    acoustic_report = _adapt_acoustics(data, out_dir)
    if acoustic_report and "utterances" in acoustic_report:
        decoder["mllr"] = acoustic.MLLR_FILE
    (out_dir / DECODER_FILE).write_text(json.dumps(decoder, indent=1))
    report = {
        "sentences": len(lines),
        "vocabulary": len(vocabulary),
        "newWords": len(entries),
        "unpronounceable": unpronounceable[:100],
        "lexiconEntries": len(data.lexicon) - len(unusable_lexicon),
        "unusableLexiconEntries": unusable_lexicon[:100],
        "order": max(effective_order, 2),
        "singletonTrigramsDropped": bool(cutoffs),
        "interpolation": decoder,
    }
    if acoustic_report:
        report["acoustic"] = acoustic_report
    (out_dir / REPORT_FILE).write_text(json.dumps(report, indent=1))
    return report


def _adapt_acoustics(data: TrainingData, out_dir: Path) -> dict | None:
    """MLLR from the Acoustic data, when there is any and the tools are installed; otherwise
    the report says why the audio only gave its transcripts."""
    if not data.audio:
        return None
    reason = acoustic.unavailable_reason()
    if reason:
        return {"skipped": reason}
    try:
        return acoustic.adapt(data.audio, out_dir / DICT_FILE)
    except acoustic.AdaptationError as exc:
        return {"skipped": f"acoustic adaptation failed: {exc}"}


def _write_dictionaries(out_dir: Path, vocabulary: set[str], entries: dict[str, list[str]]) -> None:
    """The new words alone (a model file to read), and the decoder's dictionary: the given
    vocabulary with all its pronunciations."""
    base_lines = [
        line
        for line in BASE_DICT.read_text(encoding="utf-8").splitlines()
        if re.sub(r"\(\d+\)$", "", line.partition(" ")[0]) in vocabulary
    ]
    variants_in_base: dict[str, int] = {}
    for line in base_lines:
        word = re.sub(r"\(\d+\)$", "", line.partition(" ")[0])
        variants_in_base[word] = variants_in_base.get(word, 0) + 1
    new_lines: list[str] = []
    for word, variants in sorted(entries.items()):
        start = variants_in_base.get(word, 0)
        for index, phones in enumerate(variants, start=start):
            suffix = f"({index + 1})" if index else ""
            new_lines.append(f"{word}{suffix} {phones}")
    (out_dir / NEW_WORDS_FILE).write_text("\n".join(new_lines) + "\n", encoding="utf-8")
    (out_dir / DICT_FILE).write_text("\n".join(base_lines + new_lines) + "\n", encoding="utf-8")
