"""Speed of the bundled speech service's engine: recognition real-time factor (base and custom
models, at the decoder settings the accuracy figures use), training from 10 MB of text (time and
peak memory), and a test's wall time on 1 and 2 worker processes.

    .venv/bin/python benchmarks/engine_speed.py

Prints figures; asserts nothing. Real-time factor = decode seconds / audio seconds, on one core.
The machine is shared and noisy: compare ratios, not absolute times.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from localspeech.engine import pool  # noqa: E402
from localspeech.engine.audio import SAMPLE_RATE, load_pcm16  # noqa: E402
from localspeech.engine.recognizer import DECODER_OPTIONS, Recognizer  # noqa: E402
from localspeech.engine.training import TrainingData, train  # noqa: E402

FIXTURES = ROOT / "fixtures" / "clinic"
CORPUS_BYTES = 10 * 1024 * 1024

TRAIN_10MB = """
import random, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from localspeech.engine.lexicon import base_dictionary
from localspeech.engine.training import TrainingData, train
clinic = Path({clinic!r}).read_text().split()
common = sorted(w for w in base_dictionary() if w.isalpha())[:20000]
pick = random.Random(3).choice
lines, size = [], 0
while size < {size}:
    line = " ".join(pick(clinic) if i % 3 == 0 else pick(common) for i in range(12))
    lines.append(line)
    size += len(line) + 1
start = time.perf_counter()
report = train(TrainingData(sentences=lines), Path(sys.argv[1]))
print(len(lines), report["vocabulary"], report["newWords"], time.perf_counter() - start)
"""


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    clips = [load_pcm16(path) for path in sorted((FIXTURES / "audio").glob("*.wav"))]
    audio_seconds = sum(len(c) for c in clips) / SAMPLE_RATE
    sentences = (FIXTURES / "language.txt").read_text().splitlines()
    print(f"decoder settings: {DECODER_OPTIONS or 'PocketSphinx defaults'}")

    with tempfile.TemporaryDirectory() as folder:
        script = TRAIN_10MB.format(
            root=str(ROOT), clinic=str(FIXTURES / "language.txt"), size=CORPUS_BYTES
        )
        done = subprocess.run(
            [sys.executable, "-c", script, str(Path(folder) / "big")],
            capture_output=True,
            text=True,
            check=True,
        )
        lines, vocabulary, new_words, seconds = done.stdout.split()
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        # First, so the peak is this child's alone.
        print(
            f"training from 10 MB of text ({lines} lines, {vocabulary} words, {new_words} new): "
            f"{float(seconds):.1f} s, peak resident {peak:.0f} MiB"
        )

        model = Path(folder) / "model"
        took, _ = timed(lambda: train(TrainingData(sentences=sentences), model))
        print(f"training: {len(sentences)} sentences in {took:.2f} s")
        for name, model_dir in (("base", None), ("custom", model)):
            load, recognizer = timed(lambda d=model_dir: Recognizer(d))
            decode, _ = timed(lambda r=recognizer: [r.recognize(c) for c in clips])
            print(
                f"{name:6} model: load {load:.2f} s; {len(clips)} clips, {audio_seconds:.1f} s "
                f"of audio decoded in {decode:.2f} s: real-time factor "
                f"{decode / audio_seconds:.3f}"
            )

        # A test: every clip twice (both models of an evaluation), on 1 and on 2 processes.
        work = clips * 2
        walls = {}
        for processes in (1, 2):
            pool.recognize_many(model, clips[: processes * 2], processes)  # start and load
            walls[processes], _ = timed(lambda p=processes: pool.recognize_many(model, work, p))
        print(
            f"test of {len(work)} clips: {walls[1]:.2f} s on 1 process, {walls[2]:.2f} s on 2 "
            f"(speed-up {walls[1] / walls[2]:.2f}x)"
        )


if __name__ == "__main__":
    main()
