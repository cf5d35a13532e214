"""Turns one committed batch into metric updates: outcomes, reasons, sizes, durations,
the last commit time and event freshness."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from consumer.ingest.batch import ValidatedBatch
from consumer.ingest.records import SkipCause
from consumer.observe.metrics import ConsumerMetrics
from consumer.store.writer import WriteResult

logger = logging.getLogger(__name__)

# Freshness is observed for this many events per batch at most (one observe() per event
# cost a sixth of the consumer's CPU).
FRESHNESS_SAMPLE = 100


def observe_batch(
    metrics: ConsumerMetrics, validated: ValidatedBatch, result: WriteResult, seconds: float
) -> None:
    metrics.batch_size.observe(len(validated.rows) + len(validated.letters))
    metrics.batch_duration.observe(seconds)
    metrics.outcomes.labels("stored").inc(result.facts_stored)
    metrics.outcomes.labels("duplicate").inc(result.duplicates)
    metrics.outcomes.labels("dead_lettered").inc(len(validated.letters))
    for letter in validated.letters:
        metrics.dead_letters.labels(letter.rejection.reason.value).inc()
    for part in validated.slices:
        for cause, count in part.skipped.items():
            metrics.skipped_offsets.labels(cause.value).inc(count)
    for event_type, count in result.stored_by_type.items():
        metrics.events_stored.labels(event_type).inc(count)
    now = datetime.now(UTC)
    metrics.last_commit.set(now.timestamp())
    for occurred_at in _sample(validated.event_times, FRESHNESS_SAMPLE):
        metrics.freshness.observe(max((now - occurred_at).total_seconds(), 0.0))


def _sample(items: list[datetime], at_most: int) -> list[datetime]:
    """Evenly spaced items: percentiles stay unbiased at a fraction of the cost."""
    step = max(len(items) // at_most, 1)
    return items[::step]


def report_gaps(validated: ValidatedBatch) -> None:
    """Committed offsets that nothing was read from, besides transaction markers and
    aborted records, mean lost input: say so where an operator looks."""
    for part in validated.slices:
        for cause in (SkipCause.RETENTION, SkipCause.RESET):
            count = part.skipped_of(cause)
            if count:
                logger.warning(
                    "committed an offset gap: %d offsets of partition %d were never read",
                    count,
                    part.partition,
                    extra={"cause": cause.value, "next_offset": part.next_offset},
                )
