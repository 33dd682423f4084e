from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from localspeech import catalog, clock
from localspeech.engine.audio import load_pcm16
from localspeech.engine.lexicon import ipa_to_arpabet
from localspeech.engine.recognizer import recognizer_for
from localspeech.engine.training import TrainingData, TrainingError, train

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "clinic"


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (date(2025, 1, 15), date(2025, 1, 15)),
        (date(2025, 1, 16), date(2025, 4, 15)),
        (date(2025, 10, 16), date(2026, 1, 15)),
        (date(2025, 12, 31), date(2026, 1, 15)),
    ],
)
def test_quarters_end_on_the_15th_of_january_april_july_october(day, end):
    assert clock.quarter_end(day) == end


def test_deadlines_follow_the_documented_rules():
    created = datetime(2025, 2, 1, tzinfo=UTC)  # quarter ends 15 April 2025
    assert clock.adaptation_deadline(created) == datetime(2026, 4, 15, tzinfo=UTC)
    assert clock.transcription_deadline(created) == datetime(2027, 4, 15, tzinfo=UTC)


def test_the_catalog_has_adaptable_transcribe_only_and_expired_base_models():
    now = clock.now()
    models = catalog.base_models("en-US")
    assert models[0].can_adapt(now)
    assert any(not m.can_adapt(now) and m.can_transcribe(now) for m in models)
    assert not models[-1].can_transcribe(now)
    assert [m.created for m in models] == sorted((m.created for m in models), reverse=True)
    assert catalog.base_model(models[3].id) == models[3]


def test_moving_the_clock_ages_the_newest_base_model(settings):
    settings.LOCALSPEECH_CLOCK_OFFSET_DAYS = 2 * 366
    newest = catalog.base_models("en-US")[0]
    assert not newest.can_adapt(clock.now())


def test_ipa_maps_to_the_acoustic_models_phones():
    assert ipa_to_arpabet("mɪtɒpɹəlɒl") == "M IH T AA P R AH L AA L"
    assert ipa_to_arpabet("ˈtʃeɪndʒ") == "CH EY N JH"


def test_training_adds_new_words_and_spoken_forms(tmp_path):
    data = TrainingData(
        sentences=["start apixaban and metoprolol today", "the IEEE standard"],
        pronunciations=[("IEEE", "i triple e")],
    )
    report = train(data, tmp_path)
    assert report["newWords"] >= 2
    words = (tmp_path / "new-words.dict").read_text()
    assert "apixaban " in words and "ieee" in words
    assert "I T R IH P AH L IY".replace("I T", "AY T") in (tmp_path / "dictionary.dict").read_text()


def test_training_without_text_says_what_to_add(tmp_path):
    with pytest.raises(TrainingError, match="add a Language dataset"):
        train(TrainingData(sentences=["", "  "]), tmp_path)


def test_a_trained_model_recognizes_its_domain(tmp_path):
    lines = (FIXTURES / "language.txt").read_text().splitlines()
    train(TrainingData(sentences=lines), tmp_path)
    samples = load_pcm16(FIXTURES / "audio" / "clinic06.wav")
    custom = recognizer_for(tmp_path).recognize(samples)
    base = recognizer_for(None).recognize(samples)
    assert "metformin" in custom.lexical
    assert "metformin" not in base.lexical
    assert custom.words[0].offset >= 0 and custom.words[0].duration > 0
