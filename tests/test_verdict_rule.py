"""The documented verdict rule, exhaustively over small items."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from reports.verdict import Verdict, suggest_verdict
from vision.findings import Status


def test_examples() -> None:
    assert suggest_verdict([(True, Status.PASS), (False, Status.PASS)]) is Verdict.PASS
    assert suggest_verdict([(True, Status.FAIL), (False, Status.INCONCLUSIVE)]) is Verdict.FAIL
    assert suggest_verdict([(True, Status.PASS), (False, Status.FAIL)]) is Verdict.INCONCLUSIVE
    assert suggest_verdict([(True, Status.INCONCLUSIVE), (True, Status.PASS)]) is Verdict.INCONCLUSIVE
    assert suggest_verdict([]) is Verdict.INCONCLUSIVE


@given(st.lists(st.tuples(st.booleans(), st.sampled_from(list(Status))), min_size=1, max_size=6))
def test_rule_properties(zones: list[tuple[bool, Status]]) -> None:
    verdict = suggest_verdict(zones)
    assert (verdict is Verdict.FAIL) == any(c and s is Status.FAIL for c, s in zones)
    if verdict is Verdict.PASS:
        assert all(s is Status.PASS for _, s in zones)
    # A PASS never hides a failing or undecided zone, critical or not.
    for critical, status in itertools.islice(zones, 6):
        if status is not Status.PASS:
            assert verdict is not Verdict.PASS
