"""Validation of the six dataset kinds: every rejected line or file has its reason."""

from __future__ import annotations

import io
import os
import wave
import zipfile
from pathlib import Path

import pytest

from speechformats.datasets import BOM, validate
from speechformats.limits import Limits

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "clinic"


def _wav(rate: int = 16000, channels: int = 1, width: int = 2, seconds: float = 1.0) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(os.urandom(int(rate * seconds) * channels * width))  # noise: no zip bomb
    return buffer.getvalue()


def _zip(tmp_path: Path, files: dict[str, bytes | str], name: str = "data.zip") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in files.items():
            archive.writestr(member, content)
    return path


def _text(tmp_path: Path, content: bytes, name: str = "data.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_language_rejects_uris_high_characters_and_repeats_line_by_line(tmp_path):
    path = _text(
        tmp_path,
        BOM
        + b"a good sentence\nsee https://example.com now\n"
        + "ten euros \u20ac\nyes yes yes yes\n".encode(),
    )
    report = validate("Language", path)
    assert report.ok
    assert report.accepted == ["a good sentence"]
    reasons = {r.line: r.reason for r in report.rejected}
    assert reasons[2] == "contains a URI; spell it out or remove it"
    assert reasons[3] == "character '\u20ac' (U+20AC) at column 11 is above U+00A1"
    assert reasons[4] == "repeats 'yes' more than 3 times"


def test_language_accepts_plain_ascii_without_bom_with_a_warning(tmp_path):
    report = validate("Language", _text(tmp_path, b"hello there\n"))
    assert report.ok and "no UTF-8 BOM" in report.warnings[0]


def test_language_refuses_non_ascii_without_bom_and_bad_utf8(tmp_path):
    assert (
        "no UTF-8 byte order mark"
        in validate("Language", _text(tmp_path, "caf\u00e9\n".encode())).fatal
    )
    bad = validate("Language", _text(tmp_path, b"ok\nbad \xff byte\n"))
    assert bad.fatal == "data.txt, line 2: not UTF-8 (byte 0xff); save as UTF-8 with BOM."


def test_language_refuses_a_zip_and_an_empty_file(tmp_path):
    assert "cannot be zipped" in validate("Language", _zip(tmp_path, {"a.txt": "hi"})).fatal
    assert "is empty" in validate("Language", _text(tmp_path, b"\n \n")).fatal


def test_language_size_limit_is_a_setting(tmp_path):
    report = validate("Language", _text(tmp_path, b"x" * 2048), limits=Limits(language_bytes=1024))
    assert "over the 0 MB limit" in report.fatal or "over the" in report.fatal


def test_pronunciation_needs_one_tab_and_words(tmp_path):
    path = _text(tmp_path, BOM + b"IEEE\ti triple e\nbroken line\nK8s\tk 8 s\n")
    report = validate("Pronunciation", path)
    assert report.accepted == [("IEEE", "i triple e")]
    assert [r.line for r in report.rejected] == [2, 3]
    assert "exactly one tab" in report.rejected[0].reason


def test_acoustic_reports_missing_extra_and_badly_formatted_audio(tmp_path):
    path = _zip(
        tmp_path,
        {
            "trans.txt": "good.wav\thello there\nghost.wav\tnot here\nstereo.wav\ttwo "
            "channels\nnotab.wav hello\n",
            "good.wav": _wav(),
            "stereo.wav": _wav(channels=2),
            "loud44.wav": _wav(rate=44100),
            "extra.wav": _wav(),
            "notes.doc": b"x",
        },
        name="audio.zip",
    )
    report = validate("Acoustic", path)
    assert report.accepted == [("good.wav", "hello there")]
    reasons = {(r.file, r.line): r.reason for r in report.rejected}
    assert reasons[("trans.txt", 2)] == "ghost.wav is not in the zip"
    assert reasons[("stereo.wav", None)] == "2 channels; it must be mono"
    assert reasons[("loud44.wav", None)] == "44100 Hz; it must be 8 kHz or 16 kHz"
    assert reasons[("extra.wav", None)] == "has no line in trans.txt"
    assert reasons[("notes.doc", None)] == "not a .wav file"
    assert "exactly one tab" in reasons[("trans.txt", 4)]
    assert report.summary["files"] == 1


def test_acoustic_en_us_transcripts_are_ascii(tmp_path):
    path = _zip(tmp_path, {"trans.txt": "a.wav\tit\u2019s fine\n", "a.wav": _wav()})
    report = validate("Acoustic", path)
    assert "non-ASCII character '\u2019' (U+2019) at column 3" in report.rejected[0].reason


def test_acoustic_refuses_path_traversal_and_zip_bombs(tmp_path):
    traversal = validate(
        "Acoustic",
        _zip(tmp_path, {"../evil.wav": _wav(), "trans.txt": "evil.wav\tx\n", "a.wav": _wav()}),
    )
    assert any("unsafe path" in r.reason for r in traversal.rejected)
    bomb = validate(
        "Acoustic",
        _zip(tmp_path, {"trans.txt": "a.wav\tx\n", "a.wav": b"\x00" * 5_000_000}, name="bomb.zip"),
    )
    assert "refused as a zip bomb" in bomb.fatal


def test_acoustic_needs_exactly_one_transcript(tmp_path):
    report = validate("Acoustic", _zip(tmp_path, {"a.wav": _wav()}))
    assert report.fatal == "data.zip: needs exactly one transcript .txt file (found none)."


def test_the_clinic_fixture_is_valid(tmp_path):
    files = {"trans.txt": (FIXTURES / "test-sentences.txt").read_text()}
    for wav in (FIXTURES / "audio").glob("*.wav"):
        files[wav.name] = wav.read_bytes()
    report = validate("Acoustic", _zip(tmp_path, files))
    assert report.ok and not report.rejected and len(report.accepted) == 10


def test_audio_files_need_no_transcript(tmp_path):
    report = validate("AudioFiles", _zip(tmp_path, {"a.wav": _wav(), "b.wav": _wav(rate=8000)}))
    assert len(report.accepted) == 2 and report.summary["seconds"] == pytest.approx(2.0)


def test_language_markdown_checks_lists_references_and_lexicon(tmp_path):
    content = (
        "@ list drug =\n- metoprolol\n- apixaban\n\n#Sentences\nstart {drug} today\n"
        "stop {dose} now\n@ speech:phoneticlexicon\n- K8s/k ey t s\n- K8s/k ey eh t s\n- K8s/k\n"
    )
    report = validate("LanguageMarkdown", _text(tmp_path, content.encode(), "data.md"))
    assert report.accepted == ["start {drug} today"]
    reasons = [r.reason for r in report.rejected]
    assert "refers to a list that is not defined: 'dose'" in reasons
    assert "more than 2 pronunciations of 'K8s'" in reasons


def test_output_formatting_checks_sections_and_tabs(tmp_path):
    content = "#rewrite\nfoo bar\tFoo Bar\nno tab here\n#unknown\nx\n#itn\n###-###\n"
    report = validate("OutputFormatting", _text(tmp_path, content.encode(), "rules.md"))
    assert ("rewrite", "foo bar\tFoo Bar") in report.accepted
    reasons = [r.reason for r in report.rejected]
    assert "a #rewrite line is 'from<TAB>to' (exactly one tab)" in reasons
    assert any("unknown section #unknown" in r for r in reasons)


def test_an_unknown_kind_is_named(tmp_path):
    assert "Unknown dataset kind 'Video'" in validate("Video", _text(tmp_path, b"x")).fatal
