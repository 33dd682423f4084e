"""What the engine's custom models are: the base language model interpolated with the domain
text (general speech is kept), the lexicon extended, and the acoustic model adapted by MLLR
from the Acoustic data when sphinxtrain is installed."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

from localspeech.engine import acoustic
from localspeech.engine.audio import load_pcm16
from localspeech.engine.recognizer import Recognizer
from localspeech.engine.training import DECODER_FILE, TrainingData, train
from speechformats.wer import word_errors
from tests.conftest import require_tool
from tests.localspeech.conftest import FIXTURES, clinic_acoustic_zip, clinic_text

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")


def _wer(recognizer: Recognizer, items) -> float:
    errors = words = 0
    for path, text in items:
        counted = word_errors(text, recognizer.recognize(load_pcm16(path)).lexical)
        errors, words = errors + counted.errors, words + counted.reference_words
    return errors / words


def _clinic_items():
    lines = (FIXTURES / "test-sentences.txt").read_text().splitlines()
    return [(FIXTURES / "audio" / n, t) for n, t in (line.split("\t") for line in lines if line)]


def _require_sphinxtrain():
    for tool in ("sphinx_fe", "pocketsphinx_mdef_convert", "/usr/lib/sphinxtrain/bw",
                 "/usr/lib/sphinxtrain/mllr_solve"):  # fmt: skip
        require_tool(tool, "acoustic adaptation (Debian: sphinxtrain, sphinxbase-utils)")


def test_interpolation_keeps_general_speech_and_learns_the_domain(tmp_path):
    require_tool(str(LIBRIVOX / "transcription"), "real general recordings (pocketsphinx-testdata)")
    general = []
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        text, _, name = line.rpartition("(")
        general.append((LIBRIVOX / f"{name.strip(' )')}.wav", re.sub(r"</?s>", "", text)))
    train(TrainingData(sentences=(FIXTURES / "language.txt").read_text().splitlines()), tmp_path)
    settings = json.loads((tmp_path / DECODER_FILE).read_text())
    assert settings["customWeight"] == 0.3 and "mllr" not in settings
    base, custom = Recognizer(None), Recognizer(tmp_path)
    assert _wer(custom, general) <= _wer(base, general) + 0.02
    assert _wer(custom, _clinic_items()) < _wer(base, _clinic_items())


def test_the_weight_sets_the_custom_models_share(tmp_path):
    train(TrainingData(sentences=["start apixaban today"]), tmp_path, weight_percent=100)
    assert json.loads((tmp_path / DECODER_FILE).read_text())["customWeight"] == 0.99


def _audio(names=None):
    archive = zipfile.ZipFile(io.BytesIO(clinic_acoustic_zip(names)))
    lines = dict(
        line.split("\t") for line in archive.read("trans.txt").decode("utf-8-sig").splitlines()
    )
    return [(lambda n=name: archive.read(n), text) for name, text in lines.items()]


def test_acoustic_data_adapts_the_acoustic_model(tmp_path):
    _require_sphinxtrain()
    text = (FIXTURES / "language.txt").read_text().splitlines()
    report = train(TrainingData(sentences=text, audio=_audio()), tmp_path / "adapted")
    assert report["acoustic"]["utterances"] == 10 and report["acoustic"]["seconds"] > 10
    assert json.loads((tmp_path / "adapted" / DECODER_FILE).read_text())["mllr"]
    train(TrainingData(sentences=text), tmp_path / "text")
    items = _clinic_items()
    assert _wer(Recognizer(tmp_path / "adapted"), items) < _wer(
        Recognizer(tmp_path / "text"), items
    )


def test_without_sphinxtrain_the_report_says_why_the_audio_was_not_used(tmp_path, monkeypatch):
    monkeypatch.setitem(acoustic.TOOLS, "sphinx_fe_not_installed_here", "sphinxbase-utils")
    report = train(TrainingData(sentences=clinic_text().decode().splitlines(), audio=_audio()),
                   tmp_path)  # fmt: skip
    assert "sphinxbase-utils" in report["acoustic"]["skipped"]
    assert "transcripts were used as text" in report["acoustic"]["skipped"]
    assert "mllr" not in json.loads((tmp_path / DECODER_FILE).read_text())


def test_a_trained_model_over_http_lists_what_it_was_built_from(speech):
    _require_sphinxtrain()
    project = speech.project()
    text = speech.upload("Language", "Clinic notes", clinic_text(), project)
    audio = speech.upload("Acoustic", "Clinic dictation", clinic_acoustic_zip(), project)
    model = speech.create_model("Clinic", [text, audio], project).json()
    assert speech.wait(model["self"], timeout=120)["status"] == "Succeeded"
    files = speech.client.get(f"{model['self']}/files").json()["values"]
    report_file = next(f for f in files if f["kind"] == "ModelReport")
    report = speech.client.get(report_file["links"]["contentUrl"]).json()
    assert {d["name"] for d in report["builtFrom"]} == {"Clinic notes", "Clinic dictation"}
    assert report["acoustic"]["utterances"] == 10
    assert report["interpolation"]["customWeight"] == 0.3


def test_markdown_lexicon_entries_become_the_first_pronunciation(tmp_path):
    data = TrainingData(
        sentences=["start apixaban today"],
        lexicon=[("apixaban", "ax p ih1 k - s ax b ae n"), ("zorp", "q x")],
    )
    report = train(data, tmp_path)
    first = next(
        line for line in (tmp_path / "new-words.dict").read_text().splitlines()
        if line.startswith("apixaban ")
    )  # fmt: skip
    assert first == "apixaban AH P IH K S AH B AE N"
    assert report["lexiconEntries"] == 1 and report["unusableLexiconEntries"] == ["zorp/q x"]
