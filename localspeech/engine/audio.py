"""Audio in: any WAV soundfile reads, as 16 kHz mono 16-bit samples for the recognizer."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import soundfile
import soxr

SAMPLE_RATE = 16000


class AudioError(ValueError):
    """The audio cannot be recognized; the message says why."""


def load_pcm16(source: bytes | Path) -> np.ndarray:
    """Samples as int16 at 16 kHz mono; resampled with soxr and mixed down when needed."""
    handle = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        samples, rate = soundfile.read(handle, dtype="float32", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise AudioError(f"unreadable audio ({exc}); send RIFF WAV, 16-bit PCM, mono") from exc
    if samples.size == 0:
        raise AudioError("the audio has no samples")
    mono = samples.mean(axis=1)
    if rate != SAMPLE_RATE:
        mono = soxr.resample(mono, rate, SAMPLE_RATE)
    return (np.clip(mono, -1.0, 1.0) * 32767).astype(np.int16)


def duration_seconds(samples: np.ndarray) -> float:
    return len(samples) / SAMPLE_RATE
