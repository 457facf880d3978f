"""Checklist and verdict rules: from the machine's findings and the inspector's answers to a decision.

Pure functions over frozen values, so the window, the command line and the
services apply the same rules and tests need no database. The machine only
pre-fills: a check tied to a zone starts from that zone's status, and the
inspector's own answer always wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reference_library.catalog import CheckSummary

from .verdict import Verdict

ANSWERS = ("pass", "fail", "na")
REASON_KINDS = ("authenticity", "condition", "listing")   # only "authenticity" makes an item counterfeit


class RuleViolation(ValueError):
    """An answer or a decision the rules refuse; the message is one line for the inspector."""


@dataclass(frozen=True)
class CheckState:
    """One line of a case's checklist: the machine's pre-fill and the inspector's answer."""

    check: CheckSummary
    machine: str | None          # "pass" | "fail" from the tied zone; None if untied or undecided
    machine_note: str
    answer: str | None           # the inspector's "pass" | "fail" | "na"
    note: str

    @property
    def effective(self) -> str | None:
        return self.answer or self.machine

    @property
    def effective_note(self) -> str:
        return self.note if self.answer else self.machine_note


def machine_answer(zone_status: str | None) -> str | None:
    """A zone's status as a pre-filled answer; an inconclusive zone leaves the check open."""
    return zone_status if zone_status in ("pass", "fail") else None


def build_checklist(checks: Iterable[CheckSummary], zones: Mapping[str, tuple[str, str]],
                    answers: Mapping[str, tuple[str, str]]) -> tuple[CheckState, ...]:
    """``zones``: zone id -> (status, note); ``answers``: check id -> (answer, note)."""
    states = []
    for check in checks:
        status, machine_note = zones.get(check.zone or "", (None, ""))
        machine = machine_answer(status)
        answer, note = answers.get(check.id, (None, ""))
        states.append(CheckState(check, machine, machine_note if machine else "", answer, note))
    return tuple(states)


def check_answer(check: CheckSummary, answer: str, note: str) -> None:
    """Refuse an answer the rules do not allow (unknown, fail without a note, critical not applicable)."""
    if answer not in ANSWERS:
        raise RuleViolation(f"answer '{answer}' is not one of {', '.join(ANSWERS)}")
    if answer == "fail" and not note.strip():
        raise RuleViolation(f"check '{check.id}' fails: write a note saying why")
    if answer == "na" and check.critical:
        raise RuleViolation(f"check '{check.id}' is critical: it cannot be marked not applicable")


def checklist_problems(states: Iterable[CheckState]) -> list[str]:
    """Why the checklist is not ready for a verdict (empty when it is)."""
    problems = []
    for s in states:
        if s.effective is None:
            problems.append(f"check '{s.check.id}' is not answered")
        elif s.effective == "na" and s.check.critical:
            problems.append(f"critical check '{s.check.id}' cannot be skipped")
        elif s.effective == "fail" and not s.effective_note.strip():
            problems.append(f"check '{s.check.id}' fails without a note")
    return problems


def check_decision(decision: Verdict, suggested: Verdict, reasons: Mapping[str, Iterable[str]],
                   override_reason: str | None, states: Iterable[CheckState]) -> dict[str, tuple[str, ...]]:
    """Apply the verdict rules; return the reasons cleaned (every kind present, blank lines dropped)."""
    unknown = sorted(set(reasons) - set(REASON_KINDS))
    if unknown:
        raise RuleViolation(f"unknown reason kind '{unknown[0]}' (kinds: {', '.join(REASON_KINDS)})")
    clean = {k: tuple(r.strip() for r in reasons.get(k, ()) if r.strip()) for k in REASON_KINDS}
    states = tuple(states)
    problems = checklist_problems(states)
    if problems:
        raise RuleViolation(f"the checklist is not complete: {problems[0]}"
                            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    if decision is not suggested and not (override_reason or "").strip():
        raise RuleViolation(f"the machine suggests {suggested.value}: deciding {decision.value} needs a written reason")
    if decision is Verdict.FAIL and not any(clean.values()):
        raise RuleViolation("a FAIL needs at least one reason (authenticity, condition or listing)")
    if decision is Verdict.PASS:
        if clean["authenticity"]:
            raise RuleViolation("an item with an authenticity reason is counterfeit: it cannot PASS")
        failed = next((s.check.id for s in states if s.check.critical and s.effective == "fail"), None)
        if failed:
            raise RuleViolation(f"critical check '{failed}' fails: the item cannot PASS")
    return clean
