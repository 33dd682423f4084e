"""Recognition real-time factor and training time of the bundled speech service's engine.

    .venv/bin/python benchmarks/engine_speed.py

Prints figures; asserts nothing. Real-time factor = decode seconds / audio seconds (below 1 is
faster than real time). The machine is shared and noisy: compare ratios, not absolute times.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from localspeech.engine.audio import SAMPLE_RATE, load_pcm16  # noqa: E402
from localspeech.engine.recognizer import Recognizer  # noqa: E402
from localspeech.engine.training import TrainingData, train  # noqa: E402

FIXTURES = ROOT / "fixtures" / "clinic"


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    clips = [load_pcm16(path) for path in sorted((FIXTURES / "audio").glob("*.wav"))]
    audio_seconds = sum(len(c) for c in clips) / SAMPLE_RATE
    sentences = (FIXTURES / "language.txt").read_text().splitlines()

    with tempfile.TemporaryDirectory() as folder:
        runs = [
            timed(lambda: train(TrainingData(sentences=sentences), Path(folder)))[0]
            for _ in range(3)
        ]
        print(
            f"training: {len(sentences)} sentences, median {statistics.median(runs):.2f} s over "
            "3 runs"
        )

        for name, model_dir in (("base", None), ("custom", Path(folder))):
            load, recognizer = timed(lambda d=model_dir: Recognizer(d))
            decode, _ = timed(lambda r=recognizer: [r.recognize(c) for c in clips])
            print(
                f"{name:6} model: load {load:.2f} s; {len(clips)} clips, {audio_seconds:.1f} s "
                "of audio "
                f"decoded in {decode:.2f} s: real-time factor {decode / audio_seconds:.3f}"
            )


if __name__ == "__main__":
    main()
