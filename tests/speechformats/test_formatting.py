"""OutputFormatting rules on display text, and their #test cases checked at validation."""

from __future__ import annotations

import pytest

from speechformats.datasets import validate
from speechformats.formatting import OutputRules
from speechformats.text import display_form

RULES = OutputRules(
    itn=["JO:500", "KS-###"],
    rewrite=[("car diagram", "cardiogram"), ("ecg", "ECG"), ("ecg lead", "ECG-Lead")],
    profanity=["darn"],
)


@pytest.mark.parametrize(
    ("lexical", "display"),
    [
        ("order j o five hundred today", "Order JO:500 today."),
        ("jo five zero zero", "JO:500."),
        ("k s one two three please", "KS-123 please."),
        ("the ecg lead was loose", "The ECG-Lead was loose."),  # the longest rewrite wins
        ("a car diagram", "A cardiogram."),
        ("darn the ecg", "**** the ECG."),
        ("nothing to change", "Nothing to change."),
    ],
)
def test_rules_apply_after_the_default_display_form(lexical, display):
    assert RULES.apply(display_form(lexical)) == display


def test_rules_survive_a_round_trip():
    assert OutputRules.from_json(RULES.to_json()) == RULES


def test_failing_test_cases_are_reported_on_their_line(tmp_path):
    path = tmp_path / "rules.md"
    path.write_text(
        "#itn\nJO:500\n#rewrite\necg\tECG\n#test\n"
        "order j o five hundred\tOrder JO:500.\n"
        "the ecg is normal\tThe EKG is normal.\n"
    )
    report = validate("OutputFormatting", path)
    assert ("test", "order j o five hundred\tOrder JO:500.") in report.accepted
    (rejected,) = report.rejected
    assert rejected.line == 7
    assert rejected.reason == (
        "#test fails: expected 'The EKG is normal.', got 'The ECG is normal.'"
    )
