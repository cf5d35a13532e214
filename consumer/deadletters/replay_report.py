"""What `dlq replay` did or would do, per record and in total, as text or JSON."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from consumer.deadletters.excerpt import safe_text
from consumer.deadletters.filters import SelectionStats
from consumer.deadletters.replay import Decision, Verdict

_LABELS = {
    (Verdict.REPLAY, False): "would replay",
    (Verdict.REPLAY, True): "replayed",
    (Verdict.STILL_FAILS, False): "still fails",
    (Verdict.STILL_FAILS, True): "still fails",
    (Verdict.REFUSED, False): "refused",
    (Verdict.REFUSED, True): "refused",
    (Verdict.INCOMPLETE, False): "incomplete",
    (Verdict.INCOMPLETE, True): "incomplete",
}
MESSAGE_CHARS = 160


@dataclass(slots=True)
class ReplayReport:
    applied: bool
    dlq_topic: str
    target_topic: str
    settings_note: str  # the settings the consumer needs to accept what was replayed
    counts: Counter[Verdict] = field(default_factory=Counter)
    entries: list[dict[str, Any]] = field(default_factory=list)

    def add(self, decision: Decision) -> None:
        record = decision.record
        self.counts[decision.verdict] += 1
        self.entries.append(
            {
                "address": str(record.address),
                "origin": str(record.origin) if record.origin else None,
                "verdict": decision.verdict.value,
                "reason": record.reason,
                "new_reason": decision.new_reason,
                "replay_count": record.replay_count,
                "message": decision.message,
            }
        )

    def line(self, entry: dict[str, Any]) -> str:
        verdict = Verdict(entry["verdict"])
        label = _LABELS[(verdict, self.applied)]
        now = "valid" if verdict is Verdict.REPLAY else entry["new_reason"] or entry["reason"]
        message = safe_text(entry["message"], limit_chars=MESSAGE_CHARS)
        return f"{label:<13} {entry['address']}  {entry['reason']} -> {now}: {message}"

    def totals(self, stats: SelectionStats) -> str:
        replay = self.counts[Verdict.REPLAY]
        rest = (
            f"{self.counts[Verdict.STILL_FAILS]} still fail and stay in {self.dlq_topic}, "
            f"{self.counts[Verdict.REFUSED]} refused (replayed too often), "
            f"{self.counts[Verdict.INCOMPLETE]} incomplete (the dead letter holds only part "
            "of the record: re-send those from their source); "
            f"{stats.repeats} repeats of the same origin skipped"
        )
        if self.applied:
            return f"replayed {replay} to {self.target_topic}, {rest}"
        return (
            f"dry run: {replay} would be replayed to {self.target_topic}, {rest}. "
            "Nothing was published: add --apply to publish."
        )


def render_report(report: ReplayReport, stats: SelectionStats) -> str:
    lines = [report.line(entry) for entry in report.entries]
    if lines:
        lines.append("")
    lines.append(report.totals(stats))
    if report.counts[Verdict.REPLAY]:
        lines.append(report.settings_note)
    return "\n".join(lines)


def report_json(report: ReplayReport, stats: SelectionStats) -> dict[str, Any]:
    return {
        "applied": report.applied,
        "dlq_topic": report.dlq_topic,
        "target_topic": report.target_topic,
        "records_read": stats.read,
        "repeats_skipped": stats.repeats,
        "replayable": report.counts[Verdict.REPLAY],
        "still_failing": report.counts[Verdict.STILL_FAILS],
        "refused": report.counts[Verdict.REFUSED],
        "incomplete": report.counts[Verdict.INCOMPLETE],
        "records": report.entries,
    }
