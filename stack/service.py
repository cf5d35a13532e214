"""What every service module reports: its state and where it runs, as small values the
CLI renders into the `status` table."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class State(enum.Enum):
    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"  # our process runs but does not answer its readiness probe
    DOWN = "down"
    NOT_OURS = "not ours"  # the port is held by a process the stack did not start


@dataclass(frozen=True)
class ServiceStatus:
    """One row of `python -m stack status`."""

    name: str
    state: State
    pid: int | None
    address: str
    note: str = ""

    @property
    def is_healthy(self) -> bool:
        return self.state is State.HEALTHY


def render_table(rows: list[ServiceStatus]) -> str:
    """A plain aligned table; columns sized to their widest cell."""
    header = ("SERVICE", "STATE", "PID", "ADDRESS", "NOTE")
    cells = [header] + [
        (row.name, row.state.value, str(row.pid) if row.pid else "-", row.address, row.note)
        for row in rows
    ]
    widths = [max(len(line[col]) for line in cells) for col in range(len(header) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(line[:-1], widths, strict=True))
        + ("  " + line[-1] if line[-1] else "")
        for line in cells
    ]
    return "\n".join(line.rstrip() for line in lines)
