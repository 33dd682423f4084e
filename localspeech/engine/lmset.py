"""Linear interpolation of a custom language model with the base model, at decode time.

The base en-US model ships only in PocketSphinx's binary format, and pocketsphinx 5.1.1 cannot
write it as ARPA (cmusphinx/pocketsphinx#502), so the two models cannot be merged into one file.
PocketSphinx's C library interpolates a set of models itself (ngram_model_set_init), and the
compiled module exports that function, but the Python binding has no model-set API. This module
calls it through ctypes and hands the set to the decoder inside an NGramModel object. No library
offers this; it is kept to the three calls it needs.
"""

from __future__ import annotations

import ctypes
import functools
from pathlib import Path

import pocketsphinx
from pocketsphinx import _pocketsphinx


@functools.cache
def _library() -> ctypes.CDLL:
    lib = ctypes.CDLL(_pocketsphinx.__file__)
    lib.ngram_model_set_init.restype = ctypes.c_void_p
    lib.ngram_model_set_init.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.POINTER(ctypes.c_char_p),
        ctypes.POINTER(ctypes.c_float),
        ctypes.c_int32,
    ]
    lib.ngram_model_retain.restype = ctypes.c_void_p
    lib.ngram_model_retain.argtypes = [ctypes.c_void_p]
    lib.ngram_model_free.restype = ctypes.c_int
    lib.ngram_model_free.argtypes = [ctypes.c_void_p]
    lib.ngram_model_get_size.restype = ctypes.c_int32
    lib.ngram_model_get_size.argtypes = [ctypes.c_void_p]
    return lib


@functools.cache
def _pointer_offset() -> int:
    """Where an NGramModel object keeps its ngram_model_t pointer: after the object header and
    Cython's method table. Checked against the C library's own answer before it is trusted."""
    decoder = pocketsphinx.Decoder(samprate=16000, loglevel="FATAL")
    model = decoder.get_lm()
    for offset in (3 * ctypes.sizeof(ctypes.c_void_p), 2 * ctypes.sizeof(ctypes.c_void_p)):
        pointer = ctypes.c_void_p.from_address(id(model) + offset).value
        if pointer and _library().ngram_model_get_size(pointer) == model.size():
            return offset
    raise RuntimeError("this pocketsphinx build keeps its language model where we cannot see it")


def _pointer(model: pocketsphinx.NGramModel) -> int:
    return ctypes.c_void_p.from_address(id(model) + _pointer_offset()).value


class InterpolatedModel:
    """The base model and a custom one, P = (1 - w) P_base + w P_custom, as one NGramModel the
    decoder can search with. Keeps the Python objects alive as long as the set is used."""

    def __init__(self, decoder: pocketsphinx.Decoder, custom_lm: Path, weight: float) -> None:
        if not 0.0 < weight <= 1.0:
            raise ValueError(f"the custom model's weight must be in (0, 1], not {weight}")
        lib = _library()
        self.base = decoder.get_lm()
        self.custom = pocketsphinx.NGramModel(decoder.config, decoder.logmath, str(custom_lm))
        models = (ctypes.c_void_p * 2)(
            lib.ngram_model_retain(_pointer(self.base)),
            lib.ngram_model_retain(_pointer(self.custom)),
        )
        names = (ctypes.c_char_p * 2)(b"base", b"custom")
        weights = (ctypes.c_float * 2)(1.0 - weight, weight)
        model_set = lib.ngram_model_set_init(None, models, names, weights, 2)
        if not model_set:
            raise RuntimeError(f"PocketSphinx could not interpolate {custom_lm.name}")
        # An NGramModel object to carry the set: its own model is freed and replaced by the
        # set, which it then owns (the decoder retains what it searches with).
        self.model = pocketsphinx.NGramModel(decoder.config, decoder.logmath, str(custom_lm))
        lib.ngram_model_free(_pointer(self.model))
        ctypes.c_void_p.from_address(id(self.model) + _pointer_offset()).value = model_set
