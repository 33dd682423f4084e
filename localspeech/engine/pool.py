"""Recognition spread over worker processes, so a test (evaluation) uses every core.

PocketSphinx decodes one utterance at a time per decoder and holds the GIL while it does, so
threads do not help; each process keeps its own cached decoders (recognizer_for). Processes are
started with "spawn": the Celery worker that calls this runs threads, and forking a threaded
process is unsafe.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from localspeech.engine.recognizer import Recognition, recognizer_for

_pools: dict[int, ProcessPoolExecutor] = {}


def default_processes() -> int:
    return max(1, os.cpu_count() or 1)


def _recognize(model_dir: str | None, samples: np.ndarray) -> Recognition:
    return recognizer_for(Path(model_dir) if model_dir else None).recognize(samples)


def _pool(processes: int) -> ProcessPoolExecutor:
    if processes not in _pools:
        context = multiprocessing.get_context("spawn")
        _pools[processes] = ProcessPoolExecutor(processes, mp_context=context)
    return _pools[processes]


@atexit.register
def _shutdown() -> None:
    for pool in _pools.values():
        pool.shutdown(cancel_futures=True)


def recognize_many(
    model_dir: Path | None, clips: list[np.ndarray], processes: int | None = None
) -> list[Recognition]:
    """Every clip recognized with the model, in order, on `processes` processes (default: one
    per core; 1 runs here, in this process)."""
    processes = processes or default_processes()
    directory = str(model_dir) if model_dir else None
    if processes == 1 or len(clips) < 2:
        return [_recognize(directory, clip) for clip in clips]
    return list(_pool(processes).map(_recognize, [directory] * len(clips), clips))
