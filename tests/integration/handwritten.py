"""Hand-written events for the rollup tests: a few users, days and sessions chosen so that
the expected figures can be worked out by hand in the test; sent to a real topic in rounds
and consumed by the real consumer, so that late events and re-sends meet committed state."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import psycopg

from consumer.store.reconcile import reconcile
from tests.commands import unique_group
from tests.integration import harness
from tests.integration.harness import Record

# Far enough back that a 30-day window and a few weeks after it lie in the past, well
# inside the consumer's late horizon (400 days); a Monday, so ISO weeks are easy to count.
_TODAY = datetime.now(UTC).date()
ANCHOR: date = _TODAY - timedelta(days=63 + _TODAY.weekday())


def at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    """An instant on ANCHOR + `day` days (UTC)."""
    return datetime.combine(ANCHOR + timedelta(days=day), time(hour, minute), UTC)


def event(
    kind: str, user: str, when: datetime, *, session: str | None = None, **fields: Any
) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "event_id": str(uuid.uuid4()),
        "event_type": kind,
        "occurred_at": when.isoformat(),
        "user_id": user,
        "session_id": session or f"{user}-{when:%Y%m%d}",
        "device": "desktop",
        "location": {"country": "US", "city": "Springfield"},
        **fields,
    }


@dataclass
class Pipeline:
    """One topic, one consumer group and one database: `send` consumes a round."""

    bootstrap: str
    database_url: str
    topic: str
    dlq_topic: str
    log_dir: Path
    group: str = ""

    def __post_init__(self) -> None:
        self.group = self.group or unique_group()

    def send(self, events: Sequence[dict[str, Any]]) -> None:
        records = [
            Record(e["user_id"].encode(), json.dumps(e).encode(), e["event_id"]) for e in events
        ]
        harness.produce(self.bootstrap, self.topic, records)
        harness.run_consumer_to_idle(
            bootstrap=self.bootstrap,
            database_url=self.database_url,
            topic=self.topic,
            dlq_topic=self.dlq_topic,
            group=self.group,
            log_dir=self.log_dir,
        )


def rows(url: str, text: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return [tuple(row) for row in conn.execute(text, params).fetchall()]


def assert_no_drift(url: str) -> None:
    """`consumer reconcile`'s comparison: every aggregate equals a recomputation."""
    with psycopg.connect(url, autocommit=True) as conn:
        assert [(r.aggregate, r.examples) for r in reconcile(conn) if r.drift] == []
