"""The --answers file: what it accepts, one clear error for everything else (fuzzed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.answers_file import MAX_BYTES, AnswersError, parse_answers
from reports.checklist import REASON_KINDS
from reports.verdict import Verdict
from tests.fuzz.toml_values import toml_keys, toml_values


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


@st.composite
def answers_documents(draw: st.DrawFn) -> bytes:
    """Well-formed TOML shaped like an answers file, with values of any type, size and depth."""
    answer = st.sampled_from(['"pass"', '"fail"', '"na"']) | toml_values()
    lines = [f"{draw(toml_keys())} = {draw(answer)}" for _ in range(draw(st.integers(0, 3)))]
    if draw(st.booleans()):
        lines.append("[verdict]")
        keys = st.sampled_from(["decision", "override_reason", *REASON_KINDS]) | toml_keys()
        value = st.sampled_from(['"PASS"', '"FAIL"', '"INCONCLUSIVE"', '["scuffed"]']) | toml_values()
        lines += [f"{k} = {draw(value)}" for k in draw(st.lists(keys, max_size=4, unique=True))]
    return "\n".join(lines).encode()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode) | answers_documents())
def test_any_input_parses_or_gives_one_clear_error(data: bytes) -> None:
    try:
        parse_answers(data)
    except AnswersError as exc:
        # Named, on one line, and nothing but AnswersError escapes.
        assert str(exc).startswith("answers file") and "\n" not in str(exc)


# Regressions found by tests/fuzz/test_fuzz_answers_file.py.

@pytest.mark.parametrize("text, message", [
    (b'[verdict]\ndecision = ["PASS"]', "decision must be PASS, FAIL or INCONCLUSIVE, not ['PASS']"),  # TypeError
    (b'[verdict]\ndecision = { a = 1 }', "decision must be PASS, FAIL or INCONCLUSIVE, not {'a': 1}"),
    (b"a = " + b"[" * 5000 + b"]" * 5000, "not valid TOML: arrays or tables nested too deeply"),  # RecursionError
    (b'"lining\\nPASS" = "maybe"', "check 'lining\\nPASS': the answer must be"),                   # two lines
])
def test_fuzz_findings_are_clear_errors(text: bytes, message: str) -> None:
    with pytest.raises(AnswersError) as info:
        parse_answers(text, "answers.toml")
    assert message in str(info.value) and "\n" not in str(info.value)
