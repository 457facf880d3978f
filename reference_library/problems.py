"""Problems found in a pack, each saying where it is and what is wrong.

Validation collects every problem at once rather than stopping at the first,
so a brand partner fixes a pack in one round instead of ten.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"      # the pack cannot be imported
    WARNING = "warning"  # imported, but the publisher should look


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack.

    ``where`` names the place the way a person looks for it: the file, then
    the table and field (``pack.toml: zone[2] "front-logo".references``).
    """

    where: str
    message: str
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        # names and values come from a hostile pack: one problem must print as one line, nothing hidden in it
        object.__setattr__(self, "where", printable(self.where))
        object.__setattr__(self, "message", printable(self.message))

    def __str__(self) -> str:
        prefix = "" if self.severity is Severity.ERROR else "warning: "
        return f"{self.where}: {prefix}{self.message}"


class PackError(Exception):
    """A pack was refused; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], summary: str = "invalid pack"):
        self.problems = tuple(problems)
        self.summary = summary
        super().__init__(self.describe())

    def describe(self) -> str:
        errors = [p for p in self.problems if p.severity is Severity.ERROR]
        lines = [f"{self.summary}: {len(errors)} problem{'s' if len(errors) != 1 else ''}"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def errors_in(problems: list[Problem] | tuple[Problem, ...]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


def printable(text: str) -> str:
    """Control and invisible characters escaped: a hostile name can neither add lines to a message nor hide in it."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
