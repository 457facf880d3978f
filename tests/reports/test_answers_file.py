"""The --answers file: what it accepts, one clear error for everything else (fuzzed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.answers_file import MAX_BYTES, AnswersError, parse_answers
from reports.verdict import Verdict


def test_answers_notes_and_verdict() -> None:
    answers = parse_answers(b'''
dust-bag = "pass"
lining = { answer = "fail", note = "crooked" }
box = "na"

[verdict]
decision = "FAIL"
override_reason = "seen under the loupe"
condition = ["scuffed corner"]
''')
    assert answers.checks == {"dust-bag": ("pass", ""), "lining": ("fail", "crooked"), "box": ("na", "")}
    assert answers.decision is Verdict.FAIL and answers.override_reason == "seen under the loupe"
    assert answers.reasons == {"authenticity": (), "condition": ("scuffed corner",), "listing": ()}
    assert parse_answers(b'a = "pass"\n').reasons is None      # no reasons given: the machine's are used


@pytest.mark.parametrize("text, message", [
    (b'a = "maybe"', "answer must be one of pass, fail, na"),
    (b"a = 3", "must be \"pass\""),
    (b'a = { answer = "fail", remark = "x" }', "must be \"pass\""),
    (b"a = ", "not valid TOML"),
    (b"\xff\xfe", "not UTF-8"),
    (b'verdict = "PASS"', "'verdict' must be a table"),
    (b'[verdict]\ndecision = "OK"', "decision must be PASS, FAIL or INCONCLUSIVE"),
    (b'[verdict]\nwhy = "x"', "has no key 'why'"),
    (b'[verdict]\ncondition = "x"', "condition must be a list of texts"),
    (b"#" * (MAX_BYTES + 1), "not a checklist"),
])
def test_bad_files_say_why(text: bytes, message: str) -> None:
    with pytest.raises(AnswersError, match=message):
        parse_answers(text, "answers.toml")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_input_parses_or_gives_one_clear_error(data: bytes) -> None:
    try:
        parse_answers(data)
    except AnswersError as exc:
        assert str(exc).startswith("answers file")   # named, and nothing but AnswersError escapes
