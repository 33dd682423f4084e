"""Every validation rule with the fixture that breaks it and the message it must produce,
naming the file and, where there is one, the line. Run as the wizard's validation step runs."""

from __future__ import annotations

import io
import os
import wave
import zipfile

import pytest

from speechformats.datasets import BOM, validate
from speechformats.limits import Limits

LOCALE = "en-US"


def wav(rate=16000, channels=1, width=2, seconds=0.5) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(os.urandom(int(rate * seconds) * channels * width))
    return buffer.getvalue()


def zipped(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def acoustic(lines: str, **audio: bytes) -> bytes:
    return zipped({"trans.txt": lines, **(audio or {"a.wav": wav()})})


RULES = [
    # (rule, kind, file name, content, limits, where, message)
    (
        "Language: URIs",
        "Language",
        "t.txt",
        b"see https://x.org now\nok line\n",
        None,
        "t.txt, line 1",
        "contains a URI",
    ),
    (
        "Language: characters above U+00A1",
        "Language",
        "t.txt",
        BOM + "ok\nprice \u20ac5\n".encode(),
        None,
        "t.txt, line 2",
        "is above U+00A1",
    ),
    (
        "Language: a word repeated",
        "Language",
        "t.txt",
        b"ok\nyes yes yes yes\n",
        None,
        "t.txt, line 2",
        "repeats 'yes' more than 3 times",
    ),
    (
        "Language: a phrase repeated",
        "Language",
        "t.txt",
        b"ok\ngo home go home go home go home\n",
        None,
        "t.txt, line 2",
        "repeats 'go home'",
    ),
    ("Language: empty", "Language", "t.txt", b"\n\n", None, "t.txt", "is empty"),
    (
        "Language: zipped",
        "Language",
        "t.zip",
        zipped({"a.txt": "hi"}),
        None,
        "t.zip",
        "cannot be zipped",
    ),
    (
        "Language: not UTF-8",
        "Language",
        "t.txt",
        b"ok\nbad \xff\n",
        None,
        "t.txt, line 2",
        "not UTF-8 (byte 0xff)",
    ),
    (
        "Language: non-ASCII without BOM",
        "Language",
        "t.txt",
        "caf\u00e9\n".encode(),
        None,
        "t.txt",
        "no UTF-8 byte order mark",
    ),
    (
        "Language: size",
        "Language",
        "t.txt",
        b"x" * 3000,
        Limits(language_bytes=1024),
        "t.txt",
        "over the",
    ),
    (
        "Pronunciation: no tab",
        "Pronunciation",
        "p.txt",
        b"IEEE i triple e\n",
        None,
        "p.txt, line 1",
        "exactly one tab",
    ),
    (
        "Pronunciation: two tabs",
        "Pronunciation",
        "p.txt",
        b"ok\tfine\nIEEE\ti\ttriple e\n",
        None,
        "p.txt, line 2",
        "exactly one tab",
    ),
    (
        "Pronunciation: empty spoken form",
        "Pronunciation",
        "p.txt",
        b"ok\tfine\nIEEE\t \n",
        None,
        "p.txt, line 2",
        "must both be filled",
    ),
    (
        "Pronunciation: digits spoken",
        "Pronunciation",
        "p.txt",
        b"ok\tfine\nK8s\tk 8 s\n",
        None,
        "p.txt, line 2",
        "spoken form must be words",
    ),
    ("Pronunciation: empty", "Pronunciation", "p.txt", b"\n", None, "p.txt", "is empty"),
    (
        "Pronunciation: size",
        "Pronunciation",
        "p.txt",
        b"a\tb\n" * 400_000,
        None,
        "p.txt",
        "over the 1 MB limit",
    ),
    ("Acoustic: not a zip", "Acoustic", "a.zip", b"not a zip", None, "a.zip", "not a zip file"),
    (
        "Acoustic: no transcript",
        "Acoustic",
        "a.zip",
        zipped({"a.wav": wav()}),
        None,
        "a.zip",
        "needs exactly one transcript .txt file (found none)",
    ),
    (
        "Acoustic: two transcripts",
        "Acoustic",
        "a.zip",
        zipped({"a.txt": "a.wav\thi", "b.txt": "a.wav\thi", "a.wav": wav()}),
        None,
        "a.zip",
        "found a.txt, b.txt",
    ),
    (
        "Acoustic: audio missing",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thello\nb.wav\tmissing\n"),
        None,
        "trans.txt, line 2",
        "b.wav is not in the zip",
    ),
    (
        "Acoustic: audio without a line",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thello\n", **{"a.wav": wav(), "c.wav": wav()}),
        None,
        "c.wav",
        "has no line in trans.txt",
    ),
    (
        "Acoustic: stereo",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thi\ns.wav\thi\n", **{"a.wav": wav(), "s.wav": wav(channels=2)}),
        None,
        "s.wav",
        "2 channels; it must be mono",
    ),
    (
        "Acoustic: 44.1 kHz",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thi\nh.wav\thi\n", **{"a.wav": wav(), "h.wav": wav(rate=44100)}),
        None,
        "h.wav",
        "44100 Hz; it must be 8 kHz or 16 kHz",
    ),
    (
        "Acoustic: 8-bit",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thi\nb.wav\thi\n", **{"a.wav": wav(), "b.wav": wav(width=1)}),
        None,
        "b.wav",
        "it must be 16-bit PCM",
    ),
    (
        "Acoustic: not RIFF",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thi\nm.wav\thi\n", **{"a.wav": wav(), "m.wav": os.urandom(4000)}),
        None,
        "m.wav",
        "not a RIFF WAV file",
    ),
    (
        "Acoustic: not a .wav",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thi\n", **{"a.wav": wav(), "n.mp3": os.urandom(100)}),
        None,
        "n.mp3",
        "not a .wav file",
    ),
    (
        "Acoustic: path traversal",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thi\n", **{"a.wav": wav(), "../x.wav": wav()}),
        None,
        "../x.wav",
        "unsafe path",
    ),
    (
        "Acoustic: zip bomb",
        "Acoustic",
        "a.zip",
        zipped({"trans.txt": "a.wav\thi\n", "a.wav": b"\0" * 3_000_000}),
        None,
        "a.zip",
        "refused as a zip bomb",
    ),
    (
        "Acoustic: line without tab",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thi\nb.wav hi\n"),
        None,
        "trans.txt, line 2",
        "exactly one tab",
    ),
    (
        "Acoustic: transcribed twice",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thi\na.wav\tagain\n"),
        None,
        "trans.txt, line 2",
        "a.wav is transcribed twice",
    ),
    (
        "Acoustic: non-ASCII transcript",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thi\nb.wav\tcaf\u00e9\n", **{"a.wav": wav(), "b.wav": wav()}),
        None,
        "trans.txt, line 2",
        "en-US transcripts are ASCII",
    ),
    (
        "Acoustic: empty transcript",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thi\nb.wav\t \n", **{"a.wav": wav(), "b.wav": wav()}),
        None,
        "trans.txt, line 2",
        "the transcript is empty",
    ),
    (
        "Acoustic: too many files",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thi\n", **{"a.wav": wav(), "b.wav": wav()}),
        Limits(zip_files=2),
        "a.zip",
        "3 files is over the 2 file limit",
    ),
    (
        "Acoustic: too long",
        "Acoustic",
        "a.zip",
        acoustic("a.wav\thi\nl.wav\thi\n", **{"a.wav": wav(seconds=0.2), "l.wav": wav(seconds=2)}),
        Limits(audio_seconds_testing=1),
        "l.wav",
        "is longer than",
    ),
    (
        "AudioFiles: nothing usable",
        "AudioFiles",
        "a.zip",
        zipped({"x.mp3": b"x"}),
        None,
        "a.zip",
        "has no usable .wav files",
    ),
    (
        "LanguageMarkdown: undefined list",
        "LanguageMarkdown",
        "m.md",
        b"@ list drug =\n- a\n\nstart {dose} now\n",
        None,
        "m.md, line 4",
        "not defined: 'dose'",
    ),
    (
        "LanguageMarkdown: bad list header",
        "LanguageMarkdown",
        "m.md",
        b"@ drugs\n- a\nok\n",
        None,
        "m.md, line 1",
        "a list starts with '@ list name ='",
    ),
    (
        "LanguageMarkdown: three pronunciations",
        "LanguageMarkdown",
        "m.md",
        b"ok\n@ speech:phoneticlexicon\n- a/x\n- a/y\n- a/z\n",
        None,
        "m.md, line 5",
        "more than 2 pronunciations of 'a'",
    ),
    (
        "LanguageMarkdown: bad heading",
        "LanguageMarkdown",
        "m.md",
        b"ok\n# two words\n",
        None,
        "m.md, line 2",
        "a section heading is '#Name'",
    ),
    (
        "OutputFormatting: unknown section",
        "OutputFormatting",
        "f.md",
        b"#rewrite\na\tb\n#colors\n",
        None,
        "f.md, line 3",
        "unknown section #colors",
    ),
    (
        "OutputFormatting: rewrite without tab",
        "OutputFormatting",
        "f.md",
        b"#rewrite\na\tb\nno tab\n",
        None,
        "f.md, line 3",
        "'from<TAB>to'",
    ),
    (
        "OutputFormatting: rule outside a section",
        "OutputFormatting",
        "f.md",
        b"stray\n#rewrite\na\tb\n",
        None,
        "f.md, line 1",
        "a rule outside a section",
    ),
    (
        "OutputFormatting: too many #itn lines",
        "OutputFormatting",
        "f.md",
        b"#itn\n###\n####\n",
        Limits(itn_lines=1),
        "f.md, line 3",
        "more than 1 lines in #itn",
    ),
]


@pytest.mark.parametrize(
    ("rule", "kind", "name", "content", "limits", "where", "message"),
    RULES,
    ids=[r[0] for r in RULES],
)
def test_each_rule_names_where_and_why(tmp_path, rule, kind, name, content, limits, where, message):
    path = tmp_path / name
    path.write_bytes(content)
    report = validate(kind, path, LOCALE, limits or Limits())
    said = [report.fatal or ""] + [str(r) for r in report.rejected]
    assert any(where in text and message in text for text in said), (rule, said)


def test_the_table_covers_more_than_thirty_rules():
    assert len(RULES) > 30
