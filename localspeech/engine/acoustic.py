"""Acoustic adaptation (MLLR) from transcribed audio, with Debian's sphinxtrain when installed."""

from __future__ import annotations

import shutil
from pathlib import Path

TOOLS = ("sphinx_fe", "/usr/lib/sphinxtrain/bw", "/usr/lib/sphinxtrain/mllr_solve")


def unavailable_reason() -> str | None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None and not Path(tool).exists()]
    if missing:
        return f"{', '.join(Path(m).name for m in missing)} not installed (Debian: sphinxtrain, sphinxbase-utils)"
    return None


def available() -> bool:
    return unavailable_reason() is None


def adapt(items: list[tuple[Path, str]], model_dir: Path) -> dict:
    raise NotImplementedError
