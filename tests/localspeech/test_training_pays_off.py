"""End to end over HTTP: related text and an espeak-ng test set -> train -> evaluate: the
custom model's word error rate is lower than the base model's."""

from __future__ import annotations

import re

import pytest

from tests.localspeech.conftest import FIXTURES, clinic_acoustic_zip, clinic_text

pytestmark = pytest.mark.django_db(transaction=True)


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]", " ", text.lower()).split()


def _four_grams(lines: list[str]) -> set[tuple[str, ...]]:
    grams = set()
    for line in lines:
        words = _words(line)
        grams |= {tuple(words[i : i + 4]) for i in range(len(words) - 3)}
    return grams


def test_the_test_sentences_are_not_in_the_training_text():
    training = _four_grams((FIXTURES / "language.txt").read_text().splitlines())
    tests = (FIXTURES / "test-sentences.txt").read_text().splitlines()
    shared = _four_grams([line.split("\t")[1] for line in tests if line]) & training
    assert shared == set()


def test_a_model_trained_on_related_text_beats_the_base_model(speech):
    project = speech.project()
    text = speech.upload("Language", "Clinic notes", clinic_text(), project)
    tests = speech.upload("Acoustic", "Clinic dictation test", clinic_acoustic_zip(), project)
    assert text["status"] == tests["status"] == "Succeeded"
    assert tests["properties"]["acceptedLineCount"] == 10

    base = speech.client.get("/models/base").json()["values"][0]
    model = speech.create_model("Clinic", [text], project, base).json()
    assert speech.wait(model["self"])["status"] == "Succeeded"

    evaluation = speech.client.post(
        "/evaluations",
        json={
            "displayName": "Base vs clinic",
            "locale": "en-US",
            "project": {"self": project["self"]},
            "model1": {"self": base["self"]},
            "model2": {"self": model["self"]},
            "dataset": {"self": tests["self"]},
        },
    ).json()
    result = speech.wait(evaluation["self"], timeout=180)
    assert result["status"] == "Succeeded", result
    props = result["properties"]
    assert props["wordCount1"] == props["wordCount2"] > 40
    assert props["wordErrorRate2"] < props["wordErrorRate1"]
    errors2 = (
        props["wordSubstitutionCount2"] + props["wordDeletionCount2"] + props["wordInsertionCount2"]
    )
    assert props["wordErrorRate2"] == pytest.approx(errors2 / props["wordCount2"], abs=1e-3)
