from __future__ import annotations

import pytest

from speechformats.text import display_form, normalize_for_scoring
from speechformats.wer import alignment, token_error_details, token_errors, word_errors


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("Dr. Smith's patient, aged 42!", "dr smith's patient aged forty two"),
        ("The 3rd dose \u2014 \u201cquickly\u201d.", "the third dose quickly"),
        ("'quoted' words' edges", "quoted words edges"),
        ("1,250 mg", "one thousand two hundred and fifty mg"),
        ("well-known", "well known"),
    ],
)
def test_it_normalizes_for_scoring(raw, normalized):
    assert normalize_for_scoring(raw) == normalized


def test_display_form_has_digits_a_capital_and_a_full_stop():
    assert display_form("the patient is forty two years old") == "The patient is 42 years old."
    assert display_form("") == ""


def test_word_errors_count_after_normalization():
    counts = word_errors("The cat sat on 2 mats.", "the cat sat on two mat extra")
    assert (counts.substitutions, counts.deletions, counts.insertions) == (1, 0, 1)
    assert counts.reference_words == 6
    assert counts.error_rate == pytest.approx(2 / 6)
    assert counts.sentence_errors == 1


def test_an_empty_hypothesis_is_all_deletions():
    counts = word_errors("one two three", "")
    assert counts.deletions == 3 and counts.error_rate == 1.0


def test_token_errors_count_case_and_punctuation():
    assert token_errors("Hello world.", "hello world").errors == 2
    details = token_error_details("Hello world.", "hello world")
    assert details["capitalization"] == 1 and details["punctuation"] == 1


def test_alignment_marks_each_word():
    rows = alignment("a b c", "a x c d")
    assert [r["op"] for r in rows] == ["equal", "substitute", "equal", "insert"]
