"""The valid part of a dataset: the file with its rejected lines and files left out, so a
user can continue with what is valid (the report still lists what was left out)."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from speechformats.report import ValidationReport


def _rejected_lines(report: ValidationReport, file_name: str) -> set[int]:
    return {r.line for r in report.rejected if r.line and r.file == file_name}


def clean(kind: str, source: Path, report: ValidationReport, target: Path) -> Path:
    if kind in ("Acoustic", "AudioFiles"):
        return _clean_zip(source, report, target)
    dropped = _rejected_lines(report, source.name)
    raw = source.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    kept = [line for number, line in enumerate(lines, start=1) if number not in dropped]
    target.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\n".join(kept) + "\n").encode())
    return target


def _clean_zip(source: Path, report: ValidationReport, target: Path) -> Path:
    keep_audio = {name for name, _ in report.accepted}
    with (
        zipfile.ZipFile(source) as archive,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        transcript = next(
            (m for m in archive.infolist() if m.filename.lower().endswith(".txt")), None
        )
        if transcript is not None:
            wanted = {PurePosixPath(name).name for name in keep_audio}
            lines = archive.read(transcript).decode("utf-8-sig").splitlines()
            kept = [
                line
                for line in lines
                if line.strip() and PurePosixPath(line.split("\t")[0].strip()).name in wanted
            ]
            out.writestr(transcript.filename, "\n".join(kept) + "\n")
        for name in sorted(keep_audio):
            out.writestr(name, archive.read(name))
    return target
