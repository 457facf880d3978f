"""Fuzzing the --answers file parser: the property lives beside the parser's tests, the time budget here."""

from __future__ import annotations

import pytest

from tests.fuzz.budget import fuzz
from tests.reports import test_answers_file as answers_tests

pytestmark = pytest.mark.fuzz


def test_answers_file_parser_fuzz() -> None:
    assert fuzz(answers_tests.test_any_input_parses_or_gives_one_clear_error) > 0
