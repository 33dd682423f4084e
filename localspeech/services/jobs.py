"""The long jobs behind the API: dataset import, training, evaluation, transcription, copy and
deployment. Each is called by a task with an id, is safe to run twice, and ends with the entity
in Succeeded or Failed (with an error a user can act on)."""

from __future__ import annotations

import functools
import json
import logging
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from django.conf import settings
from django.db import transaction

from localspeech import catalog, clock
from localspeech.engine import pool
from localspeech.engine.audio import AudioError, duration_seconds, load_pcm16
from localspeech.engine.recognizer import Recognition, recognizer_for
from localspeech.engine.training import (
    LM_FILE,
    NEW_WORDS_FILE,
    TrainingData,
    TrainingError,
    train,
)
from localspeech.models import TERMINAL, CopyOperation, Entity, Kind, Status
from localspeech.services.entities import model_can_transcribe, notify
from localspeech.services.urls import UrlRefused, check_url
from localspeech.storage import add_file, entity_dir, list_files, work_dir
from speechformats import datasets as formats
from speechformats.formatting import OutputRules
from speechformats.text import display_form, normalize_for_scoring
from speechformats.wer import (
    ErrorCounts,
    alignment,
    token_error_details,
    token_errors,
    word_errors,
)

logger = logging.getLogger(__name__)

CONTENT_FILE_KINDS = {
    "Acoustic": ("AcousticDataArchive", "audio.zip"),
    "AudioFiles": ("AcousticDataArchive", "audio.zip"),
    "Language": ("LanguageData", "language.txt"),
    "LanguageMarkdown": ("LanguageData", "language.md"),
    "Pronunciation": ("PronunciationData", "pronunciation.txt"),
    "OutputFormatting": ("OutputFormattingData", "formatting.md"),
}


def _fail(entity: Entity, code: str, message: str) -> None:
    entity.props["error"] = {"code": code, "message": message}
    entity.touch(Status.FAILED)
    entity.save()
    notify(entity, f"{entity.kind[:-1] if entity.kind != Kind.DATASET else 'dataset'}Completion")


def _start(entity_id: str, kind: str) -> Entity | None:
    """Moves NotStarted to Running exactly once; None when gone or already handled."""
    with transaction.atomic():
        entity = Entity.objects.select_for_update().filter(id=entity_id, kind=kind).first()
        if entity is None or entity.status in TERMINAL:
            return None
        entity.touch(Status.RUNNING)
        entity.save()
    event = {
        "datasets": "dataset",
        "models": "model",
        "evaluations": "evaluation",
        "transcriptions": "transcription",
        "endpoints": "endpoint",
    }[kind]
    notify(entity, f"{event}Processing")
    return entity


def _finish(entity: Entity, event_kind: str) -> None:
    entity.touch(Status.SUCCEEDED)
    entity.save()
    notify(entity, f"{event_kind}Completion")


# Fetching -------------------------------------------------------------------------------------


def fetch(url: str, target: Path, field: str = "contentUrl") -> Path:
    """Streams a URL to disk, bounded by LOCALSPEECH_CONTENT_MAX_BYTES."""
    check_url(url, field)
    limit = settings.LOCALSPEECH_CONTENT_MAX_BYTES
    size = 0
    with httpx.stream("GET", url, timeout=httpx.Timeout(30.0), follow_redirects=False) as response:
        if response.status_code != 200:
            raise UrlRefused(f"{field} answered HTTP {response.status_code}, not 200: {url}")
        with target.open("wb") as handle:
            for chunk in response.iter_bytes(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise UrlRefused(f"{field} is larger than {limit // (1024 * 1024)} MB.")
                handle.write(chunk)
    return target


# Datasets -------------------------------------------------------------------------------------


def dataset_import(dataset_id: str) -> None:
    dataset = _start(dataset_id, Kind.DATASET)
    if dataset is None:
        return
    incoming = work_dir(dataset.resource_id, dataset.id, "incoming")
    content = incoming / CONTENT_FILE_KINDS[dataset.dataset_kind][1]
    try:
        if dataset.doc.get("contentUrl"):
            fetch(dataset.doc["contentUrl"], content)
        elif dataset.doc.get("uploadedFile"):
            shutil.move(dataset.doc["uploadedFile"], content)
        elif dataset.doc.get("committed"):
            content = Path(dataset.doc["committedFile"])
        else:
            return _fail(
                dataset,
                "InvalidPayload",
                "The dataset has no content: upload blocks and commit them.",
            )
    except (UrlRefused, httpx.HTTPError, OSError) as exc:
        return _fail(dataset, "DataImportFailed", f"Could not fetch the content: {exc}")
    report = formats.validate(dataset.dataset_kind, content, dataset.locale)
    file_kind, name = CONTENT_FILE_KINDS[dataset.dataset_kind]
    add_file(
        dataset.resource_id,
        dataset.id,
        "DatasetReport",
        "report.json",
        json.dumps(report.as_dict(), indent=1).encode(),
    )
    dataset.props["acceptedLineCount"] = len(report.accepted)
    dataset.props["rejectedLineCount"] = len(report.rejected)
    seconds = report.summary.get("seconds")
    if seconds is not None:
        from localspeech.api.serializers import iso_duration

        dataset.props["duration"] = iso_duration(seconds)
    if not report.ok:
        reason = (
            report.fatal
            or "No line or file of the data is usable; see the report file for each reason."
        )
        if not report.fatal and report.rejected:
            more = len(report.rejected) - 1
            reason = f"Nothing usable: {report.rejected[0]} (and {more} more in the report)."
        return _fail(dataset, "InvalidDocument" if report.fatal else "DataImportFailed", reason)
    add_file(dataset.resource_id, dataset.id, file_kind, name, content)
    (entity_dir(dataset.resource_id, dataset.id) / "accepted.json").write_text(
        json.dumps(report.accepted)
    )
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.rmtree(entity_dir(dataset.resource_id, dataset.id) / "blocks", ignore_errors=True)
    _finish(dataset, "dataset")


def accepted_items(dataset: Entity) -> list:
    path = entity_dir(dataset.resource_id, dataset.id) / "accepted.json"
    return json.loads(path.read_text()) if path.exists() else []


def dataset_archive(dataset: Entity) -> Path | None:
    return next(
        (
            f.path
            for f in list_files(dataset.resource_id, dataset.id)
            if f.kind == "AcousticDataArchive"
        ),
        None,
    )


# Training -------------------------------------------------------------------------------------


def model_dir(model: Entity) -> Path:
    return entity_dir(model.resource_id, model.id) / "artifacts"


def _training_data(model: Entity, datasets: list[Entity]) -> TrainingData:
    data = TrainingData()
    if model.doc.get("text"):
        data.sentences += [line for line in model.doc["text"].splitlines() if line.strip()]
    for dataset in datasets:
        items = accepted_items(dataset)
        if dataset.dataset_kind == "Language":
            data.sentences += items
        elif dataset.dataset_kind == "Acoustic":
            data.sentences += [text for _, text in items]
            archive = dataset_archive(dataset)
            if archive is not None:
                data.audio += [
                    (functools.partial(_archive_member, archive, name), text)
                    for name, text in items
                    if text
                ]
        elif dataset.dataset_kind == "Pronunciation":
            data.pronunciations += [tuple(pair) for pair in items]
        elif dataset.dataset_kind == "LanguageMarkdown":
            expansions = _markdown_expansions(dataset)
            data.sentences += _expand_markdown(expansions.get("lists", {}), items)
            data.lexicon += [
                (word, phones)
                for word, variants in expansions.get("lexicon", {}).items()
                for phones in variants
            ]
        elif dataset.dataset_kind == "OutputFormatting":
            data.formatting += [tuple(item) for item in items]
    return data


def _archive_member(archive: Path, name: str) -> bytes:
    with zipfile.ZipFile(archive) as zipped:
        return zipped.read(name)


def _markdown_expansions(dataset: Entity) -> dict:
    """The lists and lexicon entries the LanguageMarkdown validation kept in the report."""
    report = json.loads(
        next(
            f.path for f in list_files(dataset.resource_id, dataset.id) if f.kind == "DatasetReport"
        ).read_text()
    )
    return report["summary"].get("expansions", {})


def _expand_markdown(lists: dict[str, list[str]], sentences: list[str]) -> list[str]:
    """Sentences with {list} references expanded (each item once, round robin)."""
    import re

    out = []
    for sentence in sentences:
        refs = re.findall(r"\{@?([^}]*)\}", sentence)
        if not refs:
            out.append(sentence)
            continue
        longest = max(len(lists.get(r, [""])) for r in refs)
        for index in range(longest):
            line = sentence
            for ref in refs:
                items = lists.get(ref) or [""]
                line = line.replace(f"{{{ref}}}", items[index % len(items)]).replace(
                    f"{{@{ref}}}", items[index % len(items)]
                )
            out.append(line)
    return out


def model_train(model_id: str) -> None:
    model = _start(model_id, Kind.MODEL)
    if model is None:
        return
    datasets = list(Entity.objects.filter(id__in=model.doc.get("datasets", []), kind=Kind.DATASET))
    data = _training_data(model, datasets)
    target = model_dir(model)
    try:
        report = train(data, target, weight_percent=model.props.get("customModelWeightPercent"))
    except TrainingError as exc:
        return _fail(model, "InvalidModel", str(exc))
    report["builtFrom"] = [{"name": d.display_name, "kind": d.dataset_kind} for d in datasets]
    add_file(
        model.resource_id,
        model.id,
        "ModelReport",
        "training-report.json",
        json.dumps(report, indent=1).encode(),
    )
    add_file(model.resource_id, model.id, "LanguageData", LM_FILE, target / LM_FILE)
    add_file(
        model.resource_id, model.id, "PronunciationData", NEW_WORDS_FILE, target / NEW_WORDS_FILE
    )
    rules = OutputRules.from_lines(data.formatting)
    (target / FORMATTING_FILE).write_text(json.dumps(rules.to_json()))
    model.props["_training"] = report
    _finish(model, "model")


def model_files_for_manifest(model: Entity) -> list[Path]:
    folder = model_dir(model)
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.exists() else []


# Recognition ----------------------------------------------------------------------------------


def recognizer_dir(resource, ref: dict | None, locale: str) -> Path | None:
    """The model directory to decode with; None is the base model. A custom model past its
    transcription date falls back to the base model, as the documentation says endpoints do."""
    if not ref or ref.get("base"):
        return None
    model = Entity.objects.filter(resource=resource, kind=Kind.MODEL, id=ref["id"]).first()
    if model is None or model.status != Status.SUCCEEDED or not model_can_transcribe(model):
        return None
    return model_dir(model)


FORMATTING_FILE = "display-rules.json"


def output_rules(model_path: Path | None) -> OutputRules:
    """The model's OutputFormatting rules (none for a base model), read once per process and
    model, as its decoder is: every recognition's display text goes through them."""
    if model_path is None:
        return OutputRules()
    rules = model_path / FORMATTING_FILE
    return _output_rules(model_path, rules.stat().st_mtime if rules.exists() else 0.0)


@functools.lru_cache(maxsize=16)
def _output_rules(model_path: Path, stamp: float) -> OutputRules:
    path, older = model_path / FORMATTING_FILE, model_path / "rewrites.json"
    if path.exists():
        return OutputRules.from_json(json.loads(path.read_text()))
    if older.exists():  # models trained before display rules had only rewrites
        return OutputRules(rewrite=[tuple(pair) for pair in json.loads(older.read_text())])
    return OutputRules()


def display_text(recognition: Recognition, locale: str, model_path: Path | None) -> str:
    words = [recognition.display_forms.get(w, w) for w in recognition.lexical.split()]
    return output_rules(model_path).apply(display_form(" ".join(words), locale))


def recognize_samples(samples, resource, ref: dict | None, locale: str) -> tuple[Recognition, str]:
    path = recognizer_dir(resource, ref, locale)
    recognition = recognizer_for(path).recognize(samples)
    return recognition, display_text(recognition, locale, path)


# Evaluations ----------------------------------------------------------------------------------


def _rates(prefix: int, words: ErrorCounts, tokens: ErrorCounts) -> dict:
    n = str(prefix)
    return {
        f"wordErrorRate{n}": round(words.error_rate, 4),
        f"sentenceErrorRate{n}": round(words.sentence_error_rate, 4),
        f"tokenErrorRate{n}": round(tokens.error_rate, 4),
        f"sentenceCount{n}": words.sentences,
        f"wordCount{n}": words.reference_words,
        f"correctWordCount{n}": words.correct,
        f"wordSubstitutionCount{n}": words.substitutions,
        f"wordDeletionCount{n}": words.deletions,
        f"wordInsertionCount{n}": words.insertions,
        f"tokenCount{n}": tokens.reference_words,
        f"correctTokenCount{n}": tokens.correct,
        f"tokenSubstitutionCount{n}": tokens.substitutions,
        f"tokenDeletionCount{n}": tokens.deletions,
        f"tokenInsertionCount{n}": tokens.insertions,
    }


def _token_errors(causes: dict[str, int]) -> dict:
    total = sum(causes.values())
    return {
        cause: {
            "numberOfEdits": count,
            "percentageOfAllEdits": round(count / total, 4) if total else 0.0,
        }
        for cause, count in causes.items()
    }


@dataclass
class _Tally:
    """What a test adds up over its files, per model (index 0 and 1)."""

    outputs: list = field(default_factory=lambda: [[], []])
    details: list = field(default_factory=list)
    totals: list = field(default_factory=lambda: [ErrorCounts(), ErrorCounts()])
    token_totals: list = field(default_factory=lambda: [ErrorCounts(), ErrorCounts()])
    causes: list = field(
        default_factory=lambda: [
            dict.fromkeys(
                ("punctuation", "capitalization", "inverseTextNormalization", "lexical", "others"),
                0,
            )
            for _ in (1, 2)
        ]
    )


def _evaluate_file(
    evaluation: Entity, name: str, reference: str | None, audio: bytes, samples, recognitions,
    paths, tally: _Tally,
) -> None:  # fmt: skip
    """One file of a test: its two recognitions scored against the reference, the per-file
    score files and the audio written, and the totals added to."""
    outputs, details, causes = tally.outputs, tally.details, tally.causes
    totals, token_totals = tally.totals, tally.token_totals

    def write_score(n: int, score: dict) -> None:
        add_file(
            evaluation.resource_id,
            evaluation.id,
            "EvaluationDetails",
            f"{Path(name).name}.model{n}_score.json",
            json.dumps(score, indent=1).encode(),
        )

    row = {
        "file": name,
        "reference": reference,
        "duration": round(duration_seconds(samples), 2),
        "normalizedReference": normalize_for_scoring(reference or "", evaluation.locale),
    }
    for index in (0, 1):
        n = index + 1
        recognition = recognitions[index]
        display = display_text(recognition, evaluation.locale, paths[index])
        outputs[index].append((name, samples, recognition, display))
        row[f"lexical{n}"] = recognition.lexical
        row[f"display{n}"] = display
        if reference is None:
            # Audio only: an inspection test, hypotheses without scores.
            score = {
                "file": name,
                "reference": None,
                "lexical": recognition.lexical,
                "display": display,
                "alignment": None,
            }
            write_score(n, score)
            continue
        counts = word_errors(reference, recognition.lexical, evaluation.locale)
        tokens = token_errors(reference, display)
        totals[index].add(counts)
        token_totals[index].add(tokens)
        for cause, count in token_error_details(reference, display).items():
            causes[index][cause] += count
        score = {
            "file": name,
            "reference": reference,
            "lexical": recognition.lexical,
            "display": display,
            "wordCount": counts.reference_words,
            "correctWordCount": counts.correct,
            "wordSubstitutionCount": counts.substitutions,
            "wordDeletionCount": counts.deletions,
            "wordInsertionCount": counts.insertions,
            "wordErrorRate": round(counts.error_rate, 4),
            "alignment": alignment(reference, recognition.lexical, evaluation.locale),
        }
        row[f"errors{n}"] = {
            k: score[k]
            for k in (
                "wordCount",
                "wordSubstitutionCount",
                "wordDeletionCount",
                "wordInsertionCount",
                "wordErrorRate",
            )
        }
        write_score(n, score)
    details.append(row)
    add_file(evaluation.resource_id, evaluation.id, "Audio", Path(name).name, audio)


def _evaluation_transcription(evaluation: Entity, n: int) -> Entity:
    transcription = Entity.objects.get(id=evaluation.doc[f"transcription{n}"])
    transcription.touch(Status.RUNNING)
    transcription.save()
    return transcription


# Files recognized together: enough to keep every process busy, few enough to stay small.
EVALUATION_CHUNK = 32


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _processes() -> int:
    return settings.LOCALSPEECH_EVALUATION_PROCESSES or pool.default_processes()


def evaluation_run(evaluation_id: str) -> None:
    evaluation = _start(evaluation_id, Kind.EVALUATION)
    if evaluation is None:
        return
    dataset = Entity.objects.filter(id=evaluation.doc["dataset"], kind=Kind.DATASET).first()
    archive = dataset_archive(dataset) if dataset else None
    if archive is None:
        return _fail(evaluation, "InvalidDataset", "The test dataset was deleted or has no audio.")
    items = accepted_items(dataset)
    transcriptions = [_evaluation_transcription(evaluation, n) for n in (1, 2)]
    tally = _Tally()
    paths = [recognizer_dir(evaluation.resource, evaluation.doc[f"model{n}"], evaluation.locale)
             for n in (1, 2)]  # fmt: skip
    with zipfile.ZipFile(archive) as zipped:
        for chunk in _chunks(items, EVALUATION_CHUNK):
            clips = [load_pcm16(zipped.read(name)) for name, _ in chunk]
            # Both models over the chunk, spread over the worker processes.
            recognized = [pool.recognize_many(path, clips, _processes()) for path in paths]
            for position, (name, reference) in enumerate(chunk):
                _evaluate_file(
                    evaluation, name, reference, zipped.read(name), clips[position],
                    [r[position] for r in recognized], paths, tally,
                )  # fmt: skip
    add_file(
        evaluation.resource_id,
        evaluation.id,
        "EvaluationDetails",
        "evaluation-details.json",
        json.dumps({"files": tally.details}, indent=1).encode(),
    )
    for index, transcription in enumerate(transcriptions):
        write_transcription_results(transcription, tally.outputs[index], [])
    if any(reference is not None for _, reference in items):
        for index in (0, 1):
            evaluation.props.update(
                _rates(index + 1, tally.totals[index], tally.token_totals[index])
            )
            evaluation.props[f"tokenErrors{index + 1}"] = _token_errors(tally.causes[index])
    _finish(evaluation, "evaluation")


# Endpoints ------------------------------------------------------------------------------------


def endpoint_deploy(endpoint_id: str) -> None:
    endpoint = Entity.objects.filter(id=endpoint_id, kind=Kind.ENDPOINT).first()
    if endpoint is None:
        return
    if endpoint.status == Status.NOT_STARTED:
        endpoint = _start(endpoint_id, Kind.ENDPOINT)
        if endpoint is None:
            return
    path = recognizer_dir(endpoint.resource, endpoint.doc.get("model"), endpoint.locale)
    recognizer_for(path)  # loads the decoder now, not on the first request
    _finish(endpoint, "endpoint")


# Transcriptions -------------------------------------------------------------------------------


def _phrase(
    recognition: Recognition, display: str, channel: int, duration_ticks: int, with_words: bool
) -> dict:
    offset = recognition.words[0].offset if recognition.words else 0
    end = (
        (recognition.words[-1].offset + recognition.words[-1].duration)
        if recognition.words
        else duration_ticks
    )
    best = {
        "confidence": round(recognition.confidence, 4),
        "lexical": recognition.lexical,
        "itn": display_form(recognition.lexical).rstrip(".").lower() if recognition.lexical else "",
        "maskedITN": display_form(recognition.lexical).rstrip(".").lower()
        if recognition.lexical
        else "",
        "display": display,
    }
    if with_words:
        best["words"] = [
            {
                "word": w.word,
                "offset": _ticks_iso(w.offset),
                "duration": _ticks_iso(w.duration),
                "offsetInTicks": w.offset,
                "durationInTicks": w.duration,
                "confidence": best["confidence"],
            }
            for w in recognition.words
        ]
    return {
        "recognitionStatus": "Success" if recognition.lexical else "NoMatch",
        "channel": channel,
        "offset": _ticks_iso(offset),
        "duration": _ticks_iso(end - offset),
        "offsetInTicks": offset,
        "durationInTicks": end - offset,
        "nBest": [best],
    }


def _ticks_iso(ticks: int) -> str:
    from localspeech.api.serializers import iso_duration

    return iso_duration(ticks / 10_000_000)


def write_transcription_results(
    transcription: Entity, outputs: list[tuple], failures: list[dict]
) -> None:
    """Result files in the documented batch format, the report, then Succeeded or Failed."""
    with_words = bool(transcription.props.get("wordLevelTimestampsEnabled"))
    report = {
        "successfulTranscriptionsCount": 0,
        "failedTranscriptionsCount": len(failures),
        "details": list(failures),
    }
    total_seconds = 0.0
    for index, (source, samples, recognition, display) in enumerate(outputs):
        seconds = duration_seconds(samples)
        total_seconds += seconds
        ticks = int(seconds * 10_000_000)
        phrase = _phrase(recognition, display, 0, ticks, with_words)
        best = phrase["nBest"][0]
        result = {
            "source": source,
            "timestamp": clock.iso(clock.now()),
            "durationInTicks": ticks,
            "duration": _ticks_iso(ticks),
            "combinedRecognizedPhrases": [
                {
                    "channel": 0,
                    "lexical": best["lexical"],
                    "itn": best["itn"],
                    "maskedITN": best["maskedITN"],
                    "display": display,
                }
            ],
            "recognizedPhrases": [phrase] if recognition.lexical else [],
        }
        name = (
            f"contenturl_{index}.json"
            if source.startswith(("http://", "https://"))
            else f"{Path(source).stem}.json"
        )
        add_file(
            transcription.resource_id,
            transcription.id,
            "Transcription",
            name,
            json.dumps(result, indent=1).encode(),
        )
        report["successfulTranscriptionsCount"] += 1
        report["details"].append({"source": source, "status": "Succeeded"})
    add_file(
        transcription.resource_id,
        transcription.id,
        "TranscriptionReport",
        "report.json",
        json.dumps(report, indent=1).encode(),
    )
    from localspeech.api.serializers import iso_duration

    transcription.props["duration"] = iso_duration(total_seconds)
    if report["successfulTranscriptionsCount"] == 0:
        first = failures[0]["errorMessage"] if failures else "there was no audio"
        return _fail(transcription, "InvalidData", f"No file could be transcribed: {first}")
    _finish(transcription, "transcription")


def transcription_run(transcription_id: str) -> None:
    transcription = _start(transcription_id, Kind.TRANSCRIPTION)
    if transcription is None:
        return
    sources: list[tuple[str, bytes | None, str | None]] = []
    incoming = work_dir(transcription.resource_id, transcription.id, "incoming")
    for index, url in enumerate(transcription.doc.get("contentUrls", [])):
        target = incoming / f"{index}.audio"
        try:
            fetch(url, target, f"contentUrls[{index}]")
            sources.append((url, target.read_bytes(), None))
        except (UrlRefused, httpx.HTTPError, OSError) as exc:
            sources.append((url, None, str(exc)))
    if transcription.doc.get("dataset"):
        dataset = Entity.objects.filter(id=transcription.doc["dataset"]).first()
        archive = dataset_archive(dataset) if dataset else None
        if archive is None:
            return _fail(
                transcription, "InvalidDataset", "The dataset was deleted or has no audio."
            )
        with zipfile.ZipFile(archive) as zipped:
            sources += [(name, zipped.read(name), None) for name, _ in accepted_items(dataset)]
    outputs, failures = [], []
    for source, audio, problem in sources:
        if problem is None:
            try:
                samples = load_pcm16(audio)
            except AudioError as exc:
                problem = str(exc)
        if problem is not None:
            failures.append(
                {
                    "source": source,
                    "status": "Failed",
                    "errorKind": "InvalidData",
                    "errorMessage": problem,
                }
            )
            continue
        recognition, display = recognize_samples(
            samples, transcription.resource, transcription.doc.get("model"), transcription.locale
        )
        outputs.append((source, samples, recognition, display))
    shutil.rmtree(incoming, ignore_errors=True)
    write_transcription_results(transcription, outputs, failures)


# Copy -----------------------------------------------------------------------------------------


def copy_target_model(operation: CopyOperation) -> Entity:
    """The target model of a copy, made once (a retry finds the one already made)."""
    with transaction.atomic():
        operation = (
            CopyOperation.objects.select_for_update(of=("self",))
            .select_related("authorization__target", "source_model")
            .get(id=operation.id)
        )
        if operation.target_model_id:
            return operation.target_model
        source = operation.source_model
        target = Entity.objects.create(
            resource=operation.authorization.target,
            kind=Kind.MODEL,
            display_name=source.display_name,
            locale=source.locale,
            status=Status.NOT_STARTED,
            created_at=source.created_at,  # a copy keeps its deprecation dates
            last_action_at=clock.now(),
            doc={
                "description": source.doc.get("description"),
                "customProperties": source.doc.get("customProperties"),
                "baseModel": source.doc.get("baseModel"),
                "datasets": [],
                "text": None,
                "_origin": source.doc.get("_origin"),
                "copiedFrom": {
                    "resourceId": operation.resource.resource_id,
                    "model": str(source.id),
                },
            },
            props={
                k: v
                for k, v in source.props.items()
                if k in ("customModelWeightPercent", "_training")
            },
        )
        operation.target_model = target
        operation.authorization.target_model = target
        operation.authorization.save(update_fields=["target_model"])
        operation.save(update_fields=["target_model"])
    return target


def model_copy(operation_id: str) -> None:
    operation = (
        CopyOperation.objects.select_related("source_model", "authorization")
        .filter(id=operation_id)
        .first()
    )
    if operation is None or operation.status in TERMINAL:
        return
    CopyOperation.objects.filter(id=operation.id).update(
        status=Status.RUNNING, last_action_at=clock.now()
    )
    source = operation.source_model
    if source is None:
        CopyOperation.objects.filter(id=operation.id).update(
            status=Status.FAILED,
            last_action_at=clock.now(),
            error={
                "code": "InvalidModel",
                "message": "The source model was deleted during the copy.",
            },
        )
        return
    target = copy_target_model(operation)
    destination = entity_dir(target.resource_id, target.id)
    for folder in ("artifacts", "files"):
        origin = entity_dir(source.resource_id, source.id) / folder
        if origin.exists():
            shutil.copytree(origin, destination / folder, dirs_exist_ok=True)
    Entity.objects.filter(id=target.id).update(status=Status.SUCCEEDED, last_action_at=clock.now())
    CopyOperation.objects.filter(id=operation.id).update(
        status=Status.SUCCEEDED, last_action_at=clock.now()
    )


def base_model_for_locale(locale: str) -> catalog.BaseModel | None:
    return catalog.newest_base_model(locale)
