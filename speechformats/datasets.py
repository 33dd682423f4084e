"""Validation of the six dataset kinds by the documented rules (RULES.md).

Each validator reads a file from disk and returns a ValidationReport; nothing is changed on disk.
Plain Python, shared by the portal (before upload) and the bundled service (at import).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import soundfile

from speechformats.formatting import OutputRules
from speechformats.limits import DEFAULT_LIMITS, MB, Limits
from speechformats.report import ValidationReport
from speechformats.text import display_form

KINDS = (
    "Acoustic",
    "AudioFiles",
    "Language",
    "LanguageMarkdown",
    "Pronunciation",
    "OutputFormatting",
)
BOM = b"\xef\xbb\xbf"
_URI = re.compile(r"\b(?:https?|ftp)://|\bwww\.", re.IGNORECASE)
_SECTION = re.compile(r"^#\s*([A-Za-z0-9_]+)\s*$")
_REFERENCE = re.compile(r"\{@?([^}]*)\}")


def validate(kind: str, path: Path, locale: str = "en-US", limits: Limits = DEFAULT_LIMITS):
    validators: dict[str, Callable[..., ValidationReport]] = {
        "Acoustic": validate_acoustic,
        "AudioFiles": validate_audio_files,
        "Language": validate_language,
        "LanguageMarkdown": validate_language_markdown,
        "Pronunciation": validate_pronunciation,
        "OutputFormatting": validate_output_formatting,
    }
    if kind not in validators:
        report = ValidationReport(kind)
        return report.fail(f"Unknown dataset kind {kind!r}; use one of {', '.join(KINDS)}.")
    return validators[kind](path, locale=locale, limits=limits)


# Text -----------------------------------------------------------------------------------------


def _decode_text(
    data: bytes, name: str, locale: str, report: ValidationReport, ascii_only: bool = False
) -> list[str] | None:
    """Lines of a text file, or None after recording why the whole file is unusable."""
    has_bom = data.startswith(BOM)
    body = data[len(BOM) :] if has_bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        report.fail(
            f"{name}, line {line}: not UTF-8 (byte 0x{body[exc.start]:02x}); "
            "save as UTF-8 with BOM."
        )
        return None
    if not has_bom and not text.isascii() and not ascii_only:
        report.fail(
            f"{name}: has non-ASCII text but no UTF-8 byte order mark (BOM); "
            "save as UTF-8 with BOM."
        )
        return None
    if not has_bom and not ascii_only:
        report.warnings.append(f"{name} has no UTF-8 BOM; accepted because it is plain ASCII.")
    return text.splitlines()


def _read_text(
    path: Path, kind: str, max_bytes: int, locale: str
) -> tuple[ValidationReport, list[str] | None]:
    """A text dataset's report and lines; lines is None when the whole file is refused."""
    report = ValidationReport(kind)
    size = path.stat().st_size
    if size > max_bytes:
        report.fail(f"{path.name}: {size / MB:.1f} MB is over the {max_bytes / MB:g} MB limit.")
        return report, None
    return report, _decode_text(path.read_bytes(), path.name, locale, report)


def _too_many_repeats(words: list[str], limit: int) -> str | None:
    """A word or phrase (up to 4 words) repeated back to back more than `limit` times."""
    for size in range(1, 5):
        for start in range(len(words) - size * (limit + 1) + 1):
            phrase = words[start : start + size]
            repeats = 1
            pos = start + size
            while words[pos : pos + size] == phrase:
                repeats += 1
                pos += size
            if repeats > limit:
                return " ".join(phrase)
    return None


def _high_character(line: str) -> tuple[int, str] | None:
    for column, char in enumerate(line, start=1):
        if ord(char) > 0xA1:
            return column, char
    return None


def validate_language(path: Path, locale: str = "en-US", limits: Limits = DEFAULT_LIMITS):
    name = path.name
    if zipfile.is_zipfile(path):
        report = ValidationReport("Language")
        return report.fail(f"{name}: a Language dataset is plain text and cannot be zipped.")
    report, lines = _read_text(path, "Language", limits.language_bytes, locale)
    if lines is None:
        return report
    words = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if _URI.search(line):
            report.reject(name, number, "contains a URI; spell it out or remove it", line)
            continue
        high = _high_character(line)
        if high and locale.lower().startswith("en"):
            column, char = high
            report.reject(
                name,
                number,
                f"character {char!r} (U+{ord(char):04X}) at column {column} is above U+00A1",
                line,
            )
            continue
        repeated = _too_many_repeats(line.lower().split(), limits.max_repeats)
        if repeated:
            report.reject(
                name, number, f"repeats {repeated!r} more than {limits.max_repeats} times", line
            )
            continue
        report.accepted.append(line)
        words += len(line.split())
    if not lines or not any(line.strip() for line in lines):
        return report.fail(f"{name} is empty: a Language dataset needs one sentence per line.")
    report.summary = {"lines": len(report.accepted), "words": words}
    return report


def validate_pronunciation(path: Path, locale: str = "en-US", limits: Limits = DEFAULT_LIMITS):
    name = path.name
    report, lines = _read_text(path, "Pronunciation", limits.pronunciation_bytes, locale)
    if lines is None:
        return report
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            report.reject(
                name, number, "expected 'display form<TAB>spoken form' (exactly one tab)", line
            )
            continue
        display, spoken = parts[0].strip(), parts[1].strip()
        if not display or not spoken:
            report.reject(
                name, number, "the display form and the spoken form must both be filled", line
            )
            continue
        if not re.fullmatch(r"[A-Za-z' ]+", spoken):
            report.reject(
                name, number, "the spoken form must be words of letters separated by spaces", line
            )
            continue
        report.accepted.append((display, spoken.lower()))
    if not report.accepted and not report.rejected:
        return report.fail(
            f"{name} is empty: a Pronunciation dataset needs 'display<TAB>spoken' lines."
        )
    report.summary = {"lines": len(report.accepted)}
    return report


def validate_language_markdown(path: Path, locale: str = "en-US", limits: Limits = DEFAULT_LIMITS):
    name = path.name
    report, lines = _read_text(path, "LanguageMarkdown", limits.markdown_bytes, locale)
    if lines is None:
        return report
    lists: dict[str, list[str]] = {}
    lexicon: dict[str, list[str]] = {}
    sentences: list[tuple[int, str]] = []
    current: str | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        if line.startswith("@"):
            header = line[1:].strip()
            if header.replace(" ", "").lower() == "speech:phoneticlexicon":
                current = "@lexicon"
                continue
            match = re.fullmatch(r"list\s+([A-Za-z0-9_]+)\s*=\s*", header)
            if not match:
                report.reject(name, number, "a list starts with '@ list name ='", line)
                current = None
                continue
            current = match.group(1)
            if current not in lists and len(lists) >= limits.markdown_lists:
                report.reject(name, number, f"more than {limits.markdown_lists} lists", line)
                current = None
                continue
            lists.setdefault(current, [])
            continue
        if _SECTION.match(line):
            current = None
            continue
        if line.startswith("#"):
            report.reject(
                name,
                number,
                "a section heading is '#Name' of letters, digits and underscores",
                line,
            )
            continue
        if line.startswith("-") and current == "@lexicon":
            entry = line[1:].strip()
            if "/" not in entry:
                report.reject(name, number, "a lexicon entry is '- word/phones'", line)
                continue
            word, phones = (part.strip() for part in entry.split("/", 1))
            if len(lexicon.get(word, [])) >= limits.markdown_pronunciations_per_word:
                report.reject(
                    name,
                    number,
                    f"more than {limits.markdown_pronunciations_per_word} "
                    f"pronunciations of {word!r}",
                    line,
                )
                continue
            lexicon.setdefault(word, []).append(phones)
            continue
        if line.startswith("-") and current:
            if len(lists[current]) >= limits.markdown_list_items:
                report.reject(
                    name,
                    number,
                    f"list {current!r} has more than {limits.markdown_list_items} items",
                    line,
                )
                continue
            lists[current].append(line[1:].strip())
            continue
        current = None
        sentences.append((number, line))
    for number, sentence in sentences:
        missing = [ref for ref in _REFERENCE.findall(sentence) if ref.lstrip("@") not in lists]
        if missing:
            report.reject(
                name, number, f"refers to a list that is not defined: {missing[0]!r}", sentence
            )
            continue
        report.accepted.append(sentence)
    if sum(len(v) for v in lexicon.values()) > limits.markdown_lexicon_entries:
        return report.fail(f"{name}: more than {limits.markdown_lexicon_entries} lexicon entries.")
    if not report.accepted:
        return report.fail(
            f"{name} has no sentences: a LanguageMarkdown dataset needs at least one."
        )
    report.summary = {
        "lines": len(report.accepted),
        "lists": {k: len(v) for k, v in lists.items()},
        "lexiconEntries": sum(len(v) for v in lexicon.values()),
    }
    report.summary["expansions"] = {"lists": lists, "lexicon": lexicon}
    return report


def validate_output_formatting(path: Path, locale: str = "en-US", limits: Limits = DEFAULT_LIMITS):
    name = path.name
    report, lines = _read_text(path, "OutputFormatting", limits.output_formatting_bytes, locale)
    if lines is None:
        return report
    caps = {
        "itn": limits.itn_lines,
        "rewrite": limits.rewrite_lines,
        "profanity": limits.profanity_lines,
        "test": 10_000,
    }
    counts = dict.fromkeys(caps, 0)
    section: str | None = None
    tests: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        heading = _SECTION.match(line)
        if heading:
            section = heading.group(1).lower()
            if section not in caps:
                report.reject(
                    name,
                    number,
                    f"unknown section #{heading.group(1)}; use #itn, #rewrite, #profanity or #test",
                    line,
                )
                section = None
            continue
        if section is None:
            report.reject(
                name,
                number,
                "a rule outside a section; start with #itn, #rewrite, #profanity or #test",
                line,
            )
            continue
        if section in ("rewrite", "test") and len(line.split("\t")) != 2:
            report.reject(
                name, number, f"a #{section} line is 'from<TAB>to' (exactly one tab)", line
            )
            continue
        counts[section] += 1
        if counts[section] > caps[section]:
            report.reject(name, number, f"more than {caps[section]} lines in #{section}", line)
            continue
        if section == "test":
            tests.append((number, line))
            continue
        report.accepted.append((section, raw.rstrip("\r\n")))
    _check_formatting_tests(report, name, tests, locale)
    if not report.accepted:
        return report.fail(f"{name} has no rules.")
    report.summary = {"lines": len(report.accepted), "sections": counts}
    return report


def _check_formatting_tests(report, name: str, tests: list[tuple[int, str]], locale: str) -> None:
    """Each #test line (lexical<TAB>expected display) through the default display form and the
    file's own rules; a test that does not come out as expected is reported on its line. Passing
    tests are kept as items, so the rules and their tests travel together."""
    rules = OutputRules.from_lines(report.accepted)
    for number, line in tests:
        lexical, expected = (part.strip() for part in line.split("\t"))
        got = rules.apply(display_form(lexical, locale))
        if got.rstrip(".") != expected.rstrip("."):
            report.reject(name, number, f"#test fails: expected {expected!r}, got {got!r}", line)
        else:
            report.accepted.append(("test", line))


# Audio ----------------------------------------------------------------------------------------


def audio_problem(data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[str | None, float]:
    """Why a WAV file is unusable (None when it is fine), and its duration in seconds."""
    if not data.startswith(b"RIFF") or data[8:12] != b"WAVE":
        return "not a RIFF WAV file", 0.0
    try:
        info = soundfile.info(io.BytesIO(data))
    except RuntimeError as exc:
        return f"unreadable WAV ({exc})", 0.0
    duration = info.frames / info.samplerate if info.samplerate else 0.0
    if info.subtype != "PCM_16":
        return f"{info.subtype_info or info.subtype} audio; it must be 16-bit PCM", duration
    if info.channels != 1:
        return f"{info.channels} channels; it must be mono", duration
    if info.samplerate not in limits.sample_rates:
        rates = " or ".join(f"{r // 1000} kHz" for r in limits.sample_rates)
        return f"{info.samplerate} Hz; it must be {rates}", duration
    if duration > limits.audio_seconds_testing:
        return (
            f"{duration:.0f} s is longer than {limits.audio_seconds_testing / 3600:.0f} h",
            duration,
        )
    if duration <= 0:
        return "has no audio", duration
    return None, duration


def _zip_members(
    path: Path, report: ValidationReport, limits: Limits
) -> list[zipfile.ZipInfo] | None:
    name = path.name
    size = path.stat().st_size
    if size > limits.zip_bytes:
        report.fail(f"{name}: {size / MB:.0f} MB is over the {limits.zip_bytes // MB} MB limit.")
        return None
    if not zipfile.is_zipfile(path):
        report.fail(f"{name}: not a zip file; audio datasets are a .zip of .wav files.")
        return None
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > limits.zip_files:
        report.fail(f"{name}: {len(members)} files is over the {limits.zip_files} file limit.")
        return None
    total = 0
    safe = []
    for member in members:
        parts = PurePosixPath(member.filename.replace("\\", "/")).parts
        if member.filename.startswith(("/", "\\")) or ".." in parts or ":" in member.filename:
            report.reject(member.filename, None, "unsafe path in the zip (absolute or with '..')")
            continue
        if parts and (parts[0] == "__MACOSX" or parts[-1].startswith("._")):
            continue
        if member.compress_size and member.file_size / member.compress_size > limits.zip_ratio:
            report.fail(
                f"{name}: {member.filename} unpacks "
                f"{member.file_size // member.compress_size}x; refused as a zip bomb."
            )
            return None
        total += member.file_size
        safe.append(member)
    if total > limits.unzipped_bytes:
        report.fail(
            f"{name}: unpacks to {total / MB:.0f} MB, "
            f"over the {limits.unzipped_bytes // MB} MB bound."
        )
        return None
    return safe


def _check_audio_members(
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    report: ValidationReport,
    limits: Limits,
) -> dict[str, float]:
    durations: dict[str, float] = {}
    for member in members:
        base = PurePosixPath(member.filename).name
        if not base.lower().endswith(".wav"):
            report.reject(member.filename, None, "not a .wav file")
            continue
        problem, duration = audio_problem(archive.read(member), limits)
        if problem:
            report.reject(member.filename, None, problem)
            continue
        durations[member.filename] = duration
    return durations


def validate_audio_files(path: Path, locale: str = "en-US", limits: Limits = DEFAULT_LIMITS):
    report = ValidationReport("AudioFiles")
    members = _zip_members(path, report, limits)
    if members is None:
        return report
    with zipfile.ZipFile(path) as archive:
        audio = [m for m in members if not m.filename.lower().endswith(".txt")]
        durations = _check_audio_members(archive, audio, report, limits)
    report.accepted = [(name, None) for name in durations]
    if not report.accepted and report.fatal is None:
        report.fail(f"{path.name} has no usable .wav files.")
    report.summary = {"files": len(durations), "seconds": round(sum(durations.values()), 2)}
    return report


def validate_acoustic(path: Path, locale: str = "en-US", limits: Limits = DEFAULT_LIMITS):
    """A zip of WAV files plus one transcript file of `name.wav<TAB>transcript` lines."""
    report = ValidationReport("Acoustic")
    members = _zip_members(path, report, limits)
    if members is None:
        return report
    transcripts = [m for m in members if m.filename.lower().endswith(".txt")]
    if len(transcripts) != 1:
        found = ", ".join(m.filename for m in transcripts) or "none"
        return report.fail(f"{path.name}: needs exactly one transcript .txt file (found {found}).")
    transcript = transcripts[0]
    english = locale.lower().startswith("en")
    with zipfile.ZipFile(path) as archive:
        audio = [m for m in members if m is not transcript]
        durations = _check_audio_members(archive, audio, report, limits)
        lines = _decode_text(
            archive.read(transcript), transcript.filename, locale, report, ascii_only=english
        )
    if lines is None:
        return report
    by_base = {PurePosixPath(name).name: name for name in durations}
    all_audio = {PurePosixPath(m.filename).name for m in audio}
    seen: set[str] = set()
    long_files = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            report.reject(
                transcript.filename,
                number,
                "expected 'file.wav<TAB>transcript' (exactly one tab)",
                line,
            )
            continue
        audio_name, text = parts[0].strip(), parts[1].strip()
        base = PurePosixPath(audio_name).name
        if english and not text.isascii():
            column, char = next((i, c) for i, c in enumerate(text, start=1) if not c.isascii())
            report.reject(
                transcript.filename,
                number,
                f"non-ASCII character {char!r} (U+{ord(char):04X}) at column {column}; "
                "en-US transcripts are ASCII",
                line,
            )
            continue
        if not text:
            report.reject(transcript.filename, number, "the transcript is empty", line)
            continue
        if base in seen:
            report.reject(transcript.filename, number, f"{base} is transcribed twice", line)
            continue
        if base not in all_audio:
            report.reject(transcript.filename, number, f"{base} is not in the zip", line)
            continue
        if base not in by_base:
            continue  # the audio file itself was rejected, with its reason
        seen.add(base)
        if durations[by_base[base]] > limits.audio_seconds_training:
            long_files += 1
        report.accepted.append((by_base[base], text))
    for base, name in sorted(by_base.items()):
        if base not in seen and not any(
            r.file == transcript.filename and base in r.text for r in report.rejected
        ):
            report.reject(name, None, f"has no line in {transcript.filename}")
    total = sum(durations[name] for name, _ in report.accepted)
    report.summary = {
        "files": len(report.accepted),
        "seconds": round(total, 2),
        "words": sum(len(text.split()) for _, text in report.accepted),
        "longerThanTrainingLimit": long_files,
    }
    if long_files:
        report.warnings.append(
            f"{long_files} file(s) are longer than {limits.audio_seconds_training:.0f} s: "
            "in training only their text is used."
        )
    if not report.accepted and report.fatal is None:
        first = f" First problem: {report.rejected[0]}." if report.rejected else ""
        report.fail(f"{path.name}: no audio file has a usable transcript.{first}")
    return report


def safe_file_name(name: str) -> str:
    """A file name without folders or characters a file system could misread."""
    cleaned = "".join(
        c if c.isalnum() or c in "._-" else "_" for c in name.replace("\\", "/").rsplit("/", 1)[-1]
    )
    return cleaned.lstrip(".") or "data"
