"""When the Quix app has counted everything: every partition of the source read to the end
offset it had at start, and every record its first stage accepted seen by the second stage
(after group_by's repartition topic). Stdlib only: the app runs in the Quix venv."""

from __future__ import annotations

from collections.abc import Mapping


class Progress:
    """Fed from the app's two stages; `done` turns True once, when both have caught up."""

    def __init__(self, end_offsets: Mapping[int, int]) -> None:
        self._ends = dict(end_offsets)
        # Partitions still to be read up to (excluding) their end offset.
        self._pending = {p for p, end in self._ends.items() if end > 0}
        self.read = 0  # source records, valid or not
        self.accepted = 0  # of which valid, sent on to the repartition topic
        self.aggregated = 0  # seen by the windowed stage

    @property
    def records(self) -> int:
        """Records on the source when the app started: what it has to read."""
        return sum(self._ends.values())

    def source(self, partition: int, offset: int, *, valid: bool) -> None:
        self.read += 1
        self.accepted += valid
        if offset + 1 >= self._ends.get(partition, 0):
            self._pending.discard(partition)

    def windowed(self) -> None:
        self.aggregated += 1

    @property
    def done(self) -> bool:
        return not self._pending and self.aggregated >= self.accepted
