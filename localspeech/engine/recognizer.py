"""Recognition with PocketSphinx. Decoders are loaded once per process and model directory;
a decoder is not thread-safe, so each has its own lock."""

from __future__ import annotations

import functools
import json
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pocketsphinx

from localspeech.engine.audio import SAMPLE_RATE
from localspeech.engine.lmset import InterpolatedModel
from localspeech.engine.training import (
    DECODER_FILE,
    DEFAULT_WEIGHT_PERCENT,
    DICT_FILE,
    DISPLAY_FILE,
    LM_FILE,
)

FRAME_TICKS = 100_000  # one 10 ms frame in the API's 100-ns ticks
# Search settings of every decoder (PocketSphinx terms), chosen with benchmarks/engine_accuracy.py
# and benchmarks/engine_speed.py; the accuracy figures are measured with these. At most 5,000
# active HMMs and 10 word exits a frame (PocketSphinx: 30,000 and no limit) cost 0.005 WER on the
# benchmark's domain set, nothing on general speech, and decoded about 1.5x faster; narrower
# beams, no second pass, or 2 Gaussians instead of 4 each cost several WER points.
DECODER_OPTIONS: dict = {"maxhmmpf": 5_000, "maxwpf": 10}


def new_decoder(**options) -> pocketsphinx.Decoder:
    return pocketsphinx.Decoder(
        samprate=SAMPLE_RATE, loglevel="FATAL", **{**DECODER_OPTIONS, **options}
    )


@dataclass
class Word:
    word: str
    offset: int  # ticks
    duration: int  # ticks


@dataclass
class Recognition:
    lexical: str
    words: list[Word] = field(default_factory=list)
    confidence: float = 0.0
    alternatives: list[str] = field(default_factory=list)
    display_forms: dict[str, str] = field(default_factory=dict)


class Recognizer:
    def __init__(self, model_dir: Path | None = None) -> None:
        self._lock = threading.Lock()
        self.display_forms: dict[str, str] = {}
        if model_dir is None:
            self._decoder = new_decoder()
            return
        settings = model_dir / DECODER_FILE
        if settings.exists():
            self._decoder = _interpolated_decoder(model_dir, json.loads(settings.read_text()))
        else:  # a model trained before interpolation: its own LM and dictionary alone
            self._decoder = new_decoder(
                lm=str(model_dir / LM_FILE), dict=str(model_dir / DICT_FILE)
            )
        display = model_dir / DISPLAY_FILE
        if display.exists():
            self.display_forms = json.loads(display.read_text())

    def recognize(self, samples: np.ndarray) -> Recognition:
        with self._lock:
            decoder = self._decoder
            decoder.start_utt()
            decoder.process_raw(samples.tobytes(), no_search=False, full_utt=True)
            decoder.end_utt()
            hypothesis = decoder.hyp()
            if hypothesis is None:
                return Recognition(lexical="", display_forms=self.display_forms)
            words = [
                Word(
                    _clean(seg.word),
                    seg.start_frame * FRAME_TICKS,
                    (seg.end_frame - seg.start_frame + 1) * FRAME_TICKS,
                )
                for seg in decoder.seg()
                if _clean(seg.word)
            ]
            alternatives: list[str] = []
            for index, best in enumerate(decoder.nbest()):
                if index >= 5:
                    break
                text = " ".join(_clean(w) for w in best.hypstr.split() if _clean(w))
                if text and text not in alternatives:
                    alternatives.append(text)
            confidence = float(min(1.0, max(0.0, hypothesis.prob)))
        lexical = " ".join(w.word for w in words)
        return Recognition(lexical, words, confidence, alternatives, self.display_forms)


# The interpolated models of loaded decoders; a decoder searches with its model as long as the
# process lives, so the Python objects carrying them must too.
_MODELS: list[InterpolatedModel] = []


def _interpolated_decoder(model_dir: Path, settings: dict) -> pocketsphinx.Decoder:
    """The base acoustic model (with the model's MLLR transform, if any) and the model's own
    dictionary, searching with the base LM interpolated with the custom one."""
    options = {"dict": str(model_dir / settings["dictionary"])}
    if settings.get("mllr"):
        options["mllr"] = str(model_dir / settings["mllr"])
    decoder = new_decoder(**options)
    model = InterpolatedModel(decoder, model_dir / LM_FILE, settings["customWeight"])
    _MODELS.append(model)
    decoder.add_lm("custom", model.model)
    decoder.activate_search("custom")
    return decoder


def _clean(word: str) -> str:
    if word.startswith(("<", "[", "+")) or word in {"<s>", "</s>", "<sil>"}:
        return ""
    return word.split("(")[0]


@functools.lru_cache(maxsize=16)
def _cached(model_dir: str | None, stamp: float) -> Recognizer:
    return Recognizer(Path(model_dir) if model_dir else None)


def recognizer_for(model_dir: Path | None) -> Recognizer:
    """The process's recognizer for a model directory (None is the base model)."""
    if model_dir is None:
        return _cached(None, 0.0)
    lm = model_dir / LM_FILE
    return _cached(str(model_dir), lm.stat().st_mtime if lm.exists() else 0.0)


def decoder_spec(model_dir: Path | None, weight_percent: int | None = None) -> dict:
    """What the decoder runs with, in the manifest's IN_* properties (PocketSphinx terms)."""
    config = pocketsphinx.Config()
    hmm = Path(config["hmm"]).name
    base_lm = f"%MODELSPATH%en-us/{Path(config['lm']).name}"
    custom = (
        f"ngram_lm_interpolated({weight_percent or DEFAULT_WEIGHT_PERCENT}%,"
        f"%MODELSPATH%{model_dir.parent.name}/{LM_FILE},"
        f"%MODELSPATH%{model_dir.parent.name}/{DICT_FILE})"
        if model_dir is not None
        else "none"
    )
    return {
        "IN_FESpec": f"mfcc({config['feat']},{SAMPLE_RATE // 1000}kHz)",
        "IN_DNNSpec": f"semi_continuous_hmm(%MODELSPATH%en-us/{hmm})",
        "IN_HCLGSpecBase": f"ngram_lm_base({base_lm})",
        "IN_HCLGSpec": custom,
        "IN_BeamSize": int(config["maxhmmpf"]),
        "IN_BeamThreshold": round(-math.log10(config["beam"])),
        "IN_NBestBeamSize": 5,
    }
