"""Acoustic adaptation: an MLLR transform of the base acoustic model's means, estimated from
transcribed audio (an Acoustic dataset) with CMU Sphinx's own trainer.

The tools come from Debian's packages (sphinx_fe in sphinxbase-utils, pocketsphinx_mdef_convert
in pocketsphinx, bw and mllr_solve in sphinxtrain); PyPI has no build of them. They are optional:
without them a model adapts its language model and lexicon only, and its report says why the
audio was not used. The shipped model stores its mixture weights compressed (sendump), which bw
cannot read; _write_mixture_weights expands them (no library does; the layout is sphinxtrain's
own sendump.py and s3file.py).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pocketsphinx

from speechformats.text import normalize_for_scoring

MLLR_FILE = "mllr_matrix"
SPHINXTRAIN = Path("/usr/lib/sphinxtrain")
TOOLS = {
    "sphinx_fe": "sphinxbase-utils",
    "pocketsphinx_mdef_convert": "pocketsphinx",
    "bw": "sphinxtrain",
    "mllr_solve": "sphinxtrain",
}
HMM = Path(pocketsphinx.get_model_path()) / "en-us" / "en-us"


class AdaptationError(RuntimeError):
    """The audio could not be used; the message says why."""


def _tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidate = SPHINXTRAIN / name
    return str(candidate) if candidate.exists() else None


def unavailable_reason() -> str | None:
    missing = sorted({package for name, package in TOOLS.items() if _tool(name) is None})
    if missing:
        return (
            "acoustic adaptation (MLLR) needs Debian's "
            + ", ".join(missing)
            + " packages, which are not installed; the audio's transcripts were used as text"
        )
    return None


def available() -> bool:
    return unavailable_reason() is None


def _run(*command: str, cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise AdaptationError(f"{Path(command[0]).name} failed: {' / '.join(last)}")


def _write_mixture_weights(sendump: Path, target: Path) -> None:
    """Expands PocketSphinx's quantized sendump into a Sphinx-III mixture weight file."""
    with sendump.open("rb") as source:
        integer = ["<I"]

        def read_int() -> int:
            raw = source.read(4)
            value = struct.unpack(integer[0], raw)[0]
            if value > 65536:  # the other byte order
                integer[0] = ">I"
                value = struct.unpack(integer[0], raw)[0]
            return value

        def read_text() -> str | None:
            size = read_int()
            return None if size == 0 else source.read(size)[:-1].decode("ascii")

        read_text()  # the format description's title
        header = {}
        while (line := read_text()) is not None:
            key, _, value = line.partition(" ")
            header[key] = value
        features = int(header.get("feature_count", 3))
        shift = int(header.get("mixw_shift", 10))
        codewords, senones = read_int(), read_int()
        weights = np.empty((senones, features, codewords), dtype="<f4")
        for feature in range(features):
            for codeword in range(codewords):
                row = np.frombuffer(source.read(senones), dtype=np.uint8).astype(np.int64)
                weights[:, feature, codeword] = np.power(1.0001, -(row << shift))
    with target.open("wb") as out:
        out.write(b"s3\nversion 1.0\n")
        pad = (out.tell() + len(b"endhdr\n")) & 3
        out.write(b" " * (4 - pad if pad else 0) + b"endhdr\n")
        out.write(struct.pack("=i", 0x11223344))
        out.write(struct.pack("=IIII", *weights.shape, weights.size))
        out.write(weights.tobytes())


def adapt(items: Iterable[tuple[Callable[[], bytes], str]], dictionary: Path) -> dict:
    """Estimates an MLLR transform from (read 16 kHz mono 16-bit WAV, transcript) pairs with the
    model's dictionary and writes it beside it. Utterances with words the dictionary lacks are
    left out. The audio is read one file at a time onto disk, never all into memory."""
    reason = unavailable_reason()
    if reason:
        raise AdaptationError(reason)
    work = Path(tempfile.mkdtemp(prefix="mllr-"))
    try:
        with dictionary.open(encoding="utf-8") as lines:
            known = {re.sub(r"\(\d+\)$", "", line.partition(" ")[0]) for line in lines}
        ids, transcripts, skipped, seconds = [], [], [], 0.0
        for index, (read_audio, transcript) in enumerate(items):
            words = normalize_for_scoring(transcript).split()
            unknown = [w for w in words if w not in known]
            if not words or unknown:
                skipped.append(transcript[:80])
                continue
            name = f"u{index:05d}"
            audio = read_audio()
            (work / f"{name}.wav").write_bytes(audio)
            seconds += max(0, len(audio) - 44) / 32000
            ids.append(name)
            transcripts.append(f"<s> {' '.join(words)} </s> ({name})")
        if not ids:
            raise AdaptationError("no utterance of the audio could be used for adaptation")
        (work / "adapt.fileids").write_text("\n".join(ids) + "\n")
        (work / "adapt.transcription").write_text("\n".join(transcripts) + "\n")
        params = str(HMM / "feat.params")
        _run(_tool("sphinx_fe"), "-argfile", params, "-samprate", "16000", "-c",
             "adapt.fileids", "-di", ".", "-do", ".", "-ei", "wav", "-eo", "mfc",
             "-mswav", "yes", cwd=work)  # fmt: skip
        _run(_tool("pocketsphinx_mdef_convert"), "-text", str(HMM / "mdef"), "mdef.txt", cwd=work)
        _write_mixture_weights(HMM / "sendump", work / "mixture_weights")
        _run(_tool("bw"), "-hmmdir", str(HMM), "-moddeffn", "mdef.txt",
             "-mixwfn", "mixture_weights", "-ts2cbfn", ".ptm.", "-feat", "1s_c_d_dd",
             "-svspec", "0-12/13-25/26-38", "-cmn", "batch", "-agc", "none",
             "-dictfn", str(dictionary), "-fdictfn", str(HMM / "noisedict"),
             "-ctlfn", "adapt.fileids", "-lsnfn", "adapt.transcription",
             "-cepdir", ".", "-accumdir", ".", cwd=work)  # fmt: skip
        _run(_tool("mllr_solve"), "-meanfn", str(HMM / "means"), "-varfn",
             str(HMM / "variances"), "-outmllrfn", MLLR_FILE, "-accumdir", ".",
             cwd=work)  # fmt: skip
        shutil.copy(work / MLLR_FILE, dictionary.parent / MLLR_FILE)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"utterances": len(ids), "seconds": round(seconds, 1), "skipped": skipped[:20]}
