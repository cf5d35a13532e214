"""One row per scenario, and the table that `make chaos` prints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

_COLUMNS = (
    "scenario",
    "events",
    "faults injected",
    "facts",
    "duplicates",
    "dead letters",
    "drift",
    "result",
)


@dataclass
class Outcome:
    scenario: str
    events: int = 0
    faults: str = ""
    facts: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    drift: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # measurements printed under the table

    @property
    def passed(self) -> bool:
        return not self.problems

    def check(self, ok: bool, problem: str) -> None:
        """Record `problem` unless `ok`: a scenario lists every broken promise, not the first."""
        if not ok:
            self.problems.append(problem)

    def cells(self) -> tuple[str, ...]:
        result = f"PASS ({self.seconds:.0f} s)" if self.passed else "FAIL"
        return (
            self.scenario,
            f"{self.events:,}",
            self.faults,
            f"{self.facts:,}",
            f"{self.duplicates:,}",
            f"{self.dead_letters:,}",
            str(self.drift),
            result,
        )


def format_table(outcomes: Sequence[Outcome]) -> str:
    rows = [_COLUMNS, *(o.cells() for o in outcomes)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for outcome in outcomes:
        lines.extend(f"  {outcome.scenario}: {note}" for note in outcome.notes)
        lines.extend(f"  {outcome.scenario}: {problem}" for problem in outcome.problems)
    return "\n".join(lines)
