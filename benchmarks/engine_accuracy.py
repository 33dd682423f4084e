"""Accuracy of custom models: held-out clinic jargon in three espeak-ng voices, and real general
speech (LibriVox recordings from pocketsphinx's test data), base model against custom models at
several interpolation weights; then acoustic adaptation (MLLR) from one voice.

    .venv/bin/python benchmarks/engine_accuracy.py

Needs espeak-ng and sox (the held-out audio is spoken here) and Debian's pocketsphinx-testdata for
the general recordings; MLLR needs Debian's sphinxtrain. Prints figures only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

import soundfile  # noqa: E402

from localspeech.engine import acoustic  # noqa: E402
from localspeech.engine.recognizer import Recognizer  # noqa: E402
from localspeech.engine.training import TrainingData, train  # noqa: E402
from speechformats.text import normalize_for_scoring  # noqa: E402
from speechformats.wer import word_errors  # noqa: E402

FIXTURES = ROOT / "fixtures" / "clinic"
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
VOICES = ["en-us", "en-us+m3", "en-us+f2"]
WEIGHTS = [10, 30, 50, 70]
# Held out from the training text: jargon in new sentences (checked: no shared 4-word sequence).
HELD_OUT = [
    line.split("\t")[1]
    for line in (FIXTURES / "test-sentences.txt").read_text().split("\n")
    if line
] + [
    "Lisinopril was held for low blood pressure.",
    "The cardioversion restored sinus rhythm.",
    "Apixaban and metoprolol were continued at discharge.",
    "Echocardiogram with a reduced ejection fraction.",
    "Furosemide twice daily for edema and shortness of breath.",
    "Atorvastatin was started for hyperlipidemia.",
    "Palpitations resolved after the metoprolol dose was increased.",
    "Hemoglobin and creatinine were checked this morning.",
    "A louder murmur was heard near the sternal border.",
    "Metformin was stopped before the contrast study.",
]
# Sentences of the training text spoken per voice as Acoustic data (never the held-out ones).
ADAPTATION_LINES = 15


def words(text: str) -> list[str]:
    return normalize_for_scoring(text).split()


def four_grams(lines) -> set[tuple[str, ...]]:
    grams = set()
    for line in lines:
        w = words(line)
        grams |= {tuple(w[i : i + 4]) for i in range(len(w) - 3)}
    return grams


def speak(text: str, voice: str, path: Path) -> Path:
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(path)], check=True)
    raw.unlink()
    return path


def wer(recognizer: Recognizer, items: list[tuple[Path, str]]) -> float:
    errors = reference = 0
    for path, text in items:
        samples, _ = soundfile.read(path, dtype="int16")
        hypothesis = recognizer.recognize(samples).lexical
        counted = word_errors(normalize_for_scoring(text), hypothesis)
        errors, reference = errors + counted.errors, reference + counted.reference_words
    return errors / reference


def librivox() -> list[tuple[Path, str]]:
    if not (LIBRIVOX / "transcription").exists():
        return []
    items = []
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        text, _, name = line.rpartition("(")
        text = re.sub(r"</?s>", "", text).strip()
        items.append((LIBRIVOX / f"{name.strip(' )')}.wav", text))
    return items


def main() -> None:
    training_text = (FIXTURES / "language.txt").read_text().splitlines()
    shared = four_grams(HELD_OUT) & four_grams(training_text)
    assert not shared, f"held-out sentences share 4-grams with the training text: {shared}"
    pronunciations = [
        tuple(line.split("\t"))
        for line in (FIXTURES / "pronunciation.txt").read_text().splitlines()
    ]
    work = Path(tempfile.mkdtemp(prefix="bench-accuracy-"))
    held_out = {
        voice: [
            (speak(text, voice, work / f"{voice}-{i}.wav"), text) for i, text in enumerate(HELD_OUT)
        ]
        for voice in VOICES
    }
    everyone = [item for items in held_out.values() for item in items]
    general = librivox()
    print(
        f"held-out: {len(HELD_OUT)} sentences x {len(VOICES)} voices ({', '.join(VOICES)});"
        f" no 4-word sequence shared with the {len(training_text)} training lines"
    )
    print(
        f"general: {len(general)} LibriVox recordings"
        if general
        else "general: pocketsphinx-testdata not installed; skipped"
    )

    base = Recognizer(None)
    base_domain = wer(base, everyone)
    base_general = wer(base, general) if general else None
    print(f"\n{'model':<22} {'domain WER':>10} {'relative':>9} {'general WER':>12}")
    print(f"{'base':<22} {base_domain:>10.3f} {'':>9} {base_general or float('nan'):>12.3f}")
    for weight in WEIGHTS:
        out = work / f"custom-{weight}"
        train(
            TrainingData(sentences=training_text, pronunciations=pronunciations),
            out,
            weight_percent=weight,
        )
        custom = Recognizer(out)
        domain = wer(custom, everyone)
        general_wer = wer(custom, general) if general else float("nan")
        print(
            f"{f'custom, weight {weight}%':<22} {domain:>10.3f} "
            f"{(base_domain - domain) / base_domain:>9.1%} {general_wer:>12.3f}"
        )

    print("\nper voice, base → custom (default weight):")
    out = work / "custom-default"
    train(TrainingData(sentences=training_text, pronunciations=pronunciations), out)
    custom = Recognizer(out)
    for voice, items in held_out.items():
        print(f"  {voice:<10} {wer(base, items):.3f} → {wer(custom, items):.3f}")

    reason = acoustic.unavailable_reason()
    if reason:
        print(f"\nacoustic adaptation: skipped ({reason})")
        return
    # Acoustic data: sentences of the training text (never the held-out ones) in each voice.
    spoken = {
        voice: [
            (speak(text, voice, work / f"adapt-{voice}-{i}.wav"), text)
            for i, text in enumerate(training_text[:ADAPTATION_LINES])
        ]
        for voice in VOICES
    }

    def with_audio(name: str, items) -> Recognizer:
        out = work / name
        report = train(
            TrainingData(
                sentences=training_text,
                pronunciations=pronunciations,
                audio=[(path.read_bytes, text) for path, text in items],
            ),
            out,
        )
        seconds = report["acoustic"]["seconds"]
        print(f"  ({name}: MLLR from {report['acoustic']['utterances']} recordings, {seconds} s)")
        return Recognizer(out)

    print(f"\ncustom models with Acoustic data ({ADAPTATION_LINES} training sentences per voice):")
    every_voice = with_audio("all-voices", [item for items in spoken.values() for item in items])
    domain = wer(every_voice, everyone)
    general_wer = wer(every_voice, general) if general else float("nan")
    print(
        f"{'custom, text + audio':<22} {domain:>10.3f} {(base_domain - domain) / base_domain:>9.1%}"
        f" {general_wer:>12.3f}"
    )

    voice = "en-us+m3"
    one_voice = with_audio("one-voice", spoken[voice])
    others = [item for v, items in held_out.items() if v != voice for item in items]
    print(
        f"Acoustic data from {voice} only; held-out sentences in {voice}: base "
        f"{wer(base, held_out[voice]):.3f}, custom (text) {wer(custom, held_out[voice]):.3f}, "
        f"custom (text + audio) {wer(one_voice, held_out[voice]):.3f}; in the other voices: "
        f"custom (text) {wer(custom, others):.3f}, custom (text + audio) "
        f"{wer(one_voice, others):.3f}"
    )


if __name__ == "__main__":
    main()
