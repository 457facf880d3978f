"""What the audit screens ask of the audit service: every column sorts both ways, counts, filter lists."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from inspector_app.services.audit import SORT_KEYS, VerdictQuery
from inspector_app.services.cases import CaseError
from inspector_app.ui.supervisor.verdict_table_model import COLUMNS, cell_text
from inspector_app.workstation import Workstation
from reports.users import Role, User
from tools.bench_audit import BRANDS, INSPECTORS, fill_verdicts

SUE = User("sue", "Sue Supervisor", Role.SUPERVISOR, (), False, None, datetime.now(UTC))


@pytest.fixture
def filled(workstation: Workstation) -> Workstation:
    fill_verdicts(workstation.session_factory, 300, random.Random(11))
    return workstation


def sort_value(listing: object, key: str) -> object:
    """The value the database sorts a column by (text for most, the flag for 'overridden', times for times)."""
    return {"overridden": lambda v: v.overridden, "intake": lambda v: v.intake_at, "decided": lambda v: v.decided_at,
            "tag": lambda v: v.tag_number or "", "decision": lambda v: v.decision.value,
            "suggested": lambda v: v.suggested.value}.get(key, lambda v: cell_text(v, key))(listing)


def test_every_column_sorts_both_ways_in_the_database(filled: Workstation) -> None:
    audit = filled.audit()
    assert [c.key for c in COLUMNS] == list(SORT_KEYS)   # the table offers exactly what the service sorts by
    for key in SORT_KEYS:
        for descending in (False, True):
            query = VerdictQuery(sort=key, descending=descending)
            first, second = audit.search(SUE, query, 0, 100), audit.search(SUE, query, 1, 100)
            values = [sort_value(v, key) for v in first.items + second.items]
            assert values == sorted(values, reverse=descending), (key, descending)
            assert not {v.case_number for v in first.items} & {v.case_number for v in second.items}
    with pytest.raises(CaseError, match="cannot sort by 'colour'"):
        audit.search(SUE, VerdictQuery(sort="colour"))


def test_count_and_filter_choices(filled: Workstation) -> None:
    audit = filled.audit()
    assert audit.count(SUE, VerdictQuery()) == 300
    brand = next(iter(BRANDS))
    in_brand = audit.count(SUE, VerdictQuery(brand=brand))
    assert 0 < in_brand < 300
    shown = audit.search(SUE, VerdictQuery(brand=brand, sort="case"), 0, 1000).items
    assert len(shown) == in_brand and {v.brand for v in shown} == {brand}
    assert audit.count(SUE, replace(VerdictQuery(brand=brand), sort="model", descending=False)) == in_brand
    choices = audit.filter_choices(SUE)
    assert set(choices.inspectors) <= set(INSPECTORS) and list(choices.inspectors) == sorted(choices.inspectors)
    assert set(choices.models) == set(BRANDS)
    assert all(set(models) <= set(BRANDS[b]) for b, models in choices.models.items())
