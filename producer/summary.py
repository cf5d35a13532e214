"""Counts what a run sent and renders the summary table printed at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from producer.records import EXPECTED_REASON, Defect, Record


@dataclass(slots=True)
class Summary:
    topic: str
    seed: int
    sent_by_type: Counter[str] = field(default_factory=Counter)
    defects: Counter[Defect] = field(default_factory=Counter)
    duplicates: int = 0
    late: int = 0
    records: int = 0
    bytes: int = 0
    acked: int = 0
    failed: int = 0
    first_error: str | None = None
    elapsed_s: float = 0.0
    interrupted: bool = False
    sessions: int = 0
    signups: int = 0
    scd_changes: int = 0
    catalog_topic: str | None = None  # None: the catalog was not published
    catalog_records: int = 0
    catalog_failed: int = 0

    def add(self, record: Record) -> None:
        self.records += 1
        self.bytes += len(record.value)
        if record.defect is not None:
            self.defects[record.defect] += 1
        elif record.is_duplicate:
            self.duplicates += 1
        else:
            self.sent_by_type[record.event_type] += 1
            if record.is_late:
                self.late += 1

    def settle(self, error: str | None) -> None:
        if error is None:
            self.acked += 1
            return
        self.failed += 1
        if self.first_error is None:
            self.first_error = error

    def render(self) -> str:
        rate = self.records / self.elapsed_s if self.elapsed_s > 0 else 0.0
        how = "interrupted after" if self.interrupted else "in"
        head = (
            f"sent {self.records:,} records to {self.topic} {how} {self.elapsed_s:.1f} s "
            f"({rate:,.0f} records/s, {self.bytes / 1e6:,.1f} MB), seed {self.seed}"
        )
        rows: list[tuple[str, str]] = [("event type", "records")]
        rows += [(kind, f"{n:,}") for kind, n in sorted(self.sent_by_type.items())]
        rows.append(("valid events", f"{sum(self.sent_by_type.values()):,}"))
        rows.append(("  of which late", f"{self.late:,}"))
        rows.append(("duplicates", f"{self.duplicates:,}"))
        rows.append(("defects", f"{sum(self.defects.values()):,}"))
        for defect, n in sorted(self.defects.items()):
            rows.append((f"  {defect.value} -> {EXPECTED_REASON[defect].value}", f"{n:,}"))
        rows.append(("sessions / signups / SCD changes",
                     f"{self.sessions:,} / {self.signups:,} / {self.scd_changes:,}"))  # fmt: skip
        rows.append(("acknowledged", f"{self.acked:,}"))
        rows.append(("failed", f"{self.failed:,}"))
        if self.catalog_topic is not None:
            rows.append((f"catalog records to {self.catalog_topic}", f"{self.catalog_records:,}"))
            rows.append(("  failed", f"{self.catalog_failed:,}"))
        width = max(len(label) for label, _ in rows)
        value_width = max(len(value) for _, value in rows)
        lines = [head, ""]
        lines += [f"{label:<{width}}  {value:>{value_width}}" for label, value in rows]
        if self.first_error:
            lines.append(f"first failure: {self.first_error}")
        return "\n".join(lines)
