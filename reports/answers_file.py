"""The ``--answers`` file: an inspector's checklist answers and decision, for automation.

TOML, checked completely before anything is recorded::

    # check id = "pass" | "fail" | "na", or a table with a note (a fail needs one)
    stitching-even = "pass"
    box-label = { answer = "fail", note = "label misprinted" }

    [verdict]                  # optional; without it the machine's suggestion is the decision
    decision = "FAIL"          # PASS | FAIL | INCONCLUSIVE
    override_reason = "..."    # needed when the decision differs from the suggestion
    authenticity = ["..."]     # reasons by kind; only authenticity makes an item counterfeit
    condition = ["..."]
    listing = ["..."]
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field

from .checklist import ANSWERS, REASON_KINDS
from .verdict import Verdict

#: An answers file larger than this is not a checklist.
MAX_BYTES = 256 * 1024
_VERDICT_KEYS = {"decision", "override_reason", *REASON_KINDS}


class AnswersError(ValueError):
    """The file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Answers:
    checks: dict[str, tuple[str, str]] = field(default_factory=dict)   # check id -> (answer, note)
    decision: Verdict | None = None
    override_reason: str | None = None
    reasons: dict[str, tuple[str, ...]] | None = None                   # None: the machine's reasons


def parse_answers(data: bytes, name: str = "answers file") -> Answers:
    if len(data) > MAX_BYTES:
        raise AnswersError(f"{name} is over {MAX_BYTES // 1024} KB: not a checklist")
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise AnswersError(f"{name} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise AnswersError(f"{name} is not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per level of nested arrays and inline tables
        raise AnswersError(f"{name} is not valid TOML: arrays or tables nested too deeply") from None
    verdict = doc.pop("verdict", None)
    checks = {check_id: _answer(name, check_id, value) for check_id, value in doc.items()}
    if verdict is None:
        return Answers(checks)
    if not isinstance(verdict, dict):
        raise AnswersError(f"{name}: 'verdict' must be a table")
    unknown = sorted(set(verdict) - _VERDICT_KEYS)
    if unknown:
        raise AnswersError(f"{name}: [verdict] has no key {unknown[0]!r} (keys: {', '.join(sorted(_VERDICT_KEYS))})")
    decision = verdict.get("decision")
    if decision is not None and (not isinstance(decision, str) or decision not in {v.value for v in Verdict}):
        raise AnswersError(f"{name}: [verdict] decision must be PASS, FAIL or INCONCLUSIVE, not {decision!r}")
    override = verdict.get("override_reason")
    if override is not None and not isinstance(override, str):
        raise AnswersError(f"{name}: [verdict] override_reason must be text")
    reasons = None
    if any(k in verdict for k in REASON_KINDS):
        reasons = {k: _texts(name, k, verdict.get(k, [])) for k in REASON_KINDS}
    return Answers(checks, Verdict(decision) if decision else None, override, reasons)


def _answer(name: str, check_id: str, value: object) -> tuple[str, str]:
    if isinstance(value, str):
        answer, note = value, ""
    elif isinstance(value, dict) and set(value) <= {"answer", "note"} and "answer" in value:
        answer, note = value["answer"], value.get("note", "")
    else:
        raise AnswersError(f"{name}: check {check_id!r} must be \"pass\", \"fail\", \"na\" "
                           "or { answer = ..., note = ... }")
    if answer not in ANSWERS or not isinstance(note, str):
        raise AnswersError(f"{name}: check {check_id!r}: the answer must be one of {', '.join(ANSWERS)} "
                           "and the note text")
    return answer, note


def _texts(name: str, kind: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AnswersError(f"{name}: [verdict] {kind} must be a list of texts")
    return tuple(value)
