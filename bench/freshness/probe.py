"""The external freshness probe: every ~0.2 s (jittered) it publishes one marker
page_view whose occurred_at lies in a minute of its own, days in the past where the live
traffic never lands, while a poller watches `event_counts_per_minute` for that minute.
A marker's freshness is the wall time from just before its send to the first poll that
sees its row: produce, broker, consumer batch and the one transaction that writes facts
and aggregates together, as a dashboard reading the aggregate would see it."""

from __future__ import annotations

import contextlib
import random
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from kafka import KafkaProducer
from kafka.errors import KafkaError

from pulse.contract import Device, Location, PageView
from pulse.sqlfiles import load_sql

# Markers go this far back (inside the late horizon, far from the live traffic's minutes)
# and use at most this many minutes: 4 hours of markers at 5 per second.
MARKER_BASE_AGE = timedelta(days=7)
MARKER_MINUTES = 3 * 24 * 60
_MARKER_USERS = 16  # marker keys spread over the partitions like real users


@dataclass(slots=True)
class Marker:
    minute_at: datetime
    sent_at: float  # time.monotonic() just before the send
    seen_at: float | None = None

    @property
    def freshness_s(self) -> float | None:
        return None if self.seen_at is None else self.seen_at - self.sent_at


class FreshnessProbe:
    """Two threads: a sender of markers and a poller of the per-minute aggregate."""

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        topic: str,
        database_url: str,
        interval_s: float = 0.2,
        poll_s: float = 0.01,
    ) -> None:
        self._topic = topic
        self._database_url = database_url
        self._interval_s = interval_s
        self.poll_s = poll_s
        base = datetime.now(UTC) - MARKER_BASE_AGE
        self._base = base.replace(second=0, microsecond=0)
        self._producer = KafkaProducer(
            bootstrap_servers=bootstrap_servers, client_id="pulse-bench-probe", acks="all",
            linger_ms=0,
        )  # fmt: skip
        self._lock = threading.Lock()
        self._markers: list[Marker] = []
        self._first_unseen = 0
        self._sending = threading.Event()
        self._stopped = threading.Event()
        self._threads = [
            threading.Thread(target=self._send_loop, name="probe-sender", daemon=True),
            threading.Thread(target=self._poll_loop, name="probe-poller", daemon=True),
        ]

    def start(self) -> None:
        self._sending.set()
        for thread in self._threads:
            thread.start()

    def markers(self) -> list[Marker]:
        with self._lock:
            return list(self._markers)

    def wait_until_seen(self, count: int, timeout_s: float) -> bool:
        """True once `count` markers have been seen, False after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if sum(m.seen_at is not None for m in self.markers()) >= count:
                return True
            time.sleep(0.05)
        return False

    def stop(self, *, settle_s: float = 10.0) -> None:
        """Stops sending, gives the markers in flight `settle_s` to show up, then stops;
        a second call does nothing."""
        if self._stopped.is_set():
            return
        self._sending.clear()
        deadline = time.monotonic() + settle_s
        while time.monotonic() < deadline and any(m.seen_at is None for m in self.markers()):
            time.sleep(0.05)
        self._stopped.set()
        for thread in self._threads:
            thread.join(timeout=5)
        with contextlib.suppress(KafkaError):  # markers unsent are already counted as lost
            self._producer.close(timeout=5)

    def _send_loop(self) -> None:
        rng = random.Random(7)
        while self._sending.is_set() and len(self._markers) < MARKER_MINUTES:
            index = len(self._markers)
            minute_at = self._base + timedelta(minutes=index)
            key, value = _marker_event(index, minute_at)
            marker = Marker(minute_at=minute_at, sent_at=time.monotonic())
            with self._lock:
                self._markers.append(marker)
            with contextlib.suppress(KafkaError):  # the broker is away: reported as lost
                self._producer.send(self._topic, key=key, value=value)
            # Jitter, so that markers do not keep the same phase as the consumer's batches.
            time.sleep(self._interval_s * rng.uniform(0.5, 1.5))

    def _poll_loop(self) -> None:
        # A lost connection (PostgreSQL restarted) is retried: markers not seen in the
        # meantime show up late, or as lost, in the report.
        while not self._stopped.is_set():
            try:
                self._poll()
            except psycopg.OperationalError:
                time.sleep(0.5)

    def _poll(self) -> None:
        query = load_sql("bench/marker_minutes")
        until = self._base + timedelta(minutes=MARKER_MINUTES)
        with psycopg.connect(self._database_url, autocommit=True) as conn:
            while not self._stopped.is_set():
                since = self._oldest_unseen()
                if since is not None:
                    try:
                        rows = conn.execute(query, {"since": since, "until": until}).fetchall()
                    except psycopg.errors.UndefinedTable:  # the consumer has not migrated yet
                        rows = []
                    self._mark_seen({row[0] for row in rows}, time.monotonic())
                time.sleep(self.poll_s)

    def _oldest_unseen(self) -> datetime | None:
        with self._lock:
            while (
                self._first_unseen < len(self._markers)
                and self._markers[self._first_unseen].seen_at is not None
            ):
                self._first_unseen += 1
            if self._first_unseen == len(self._markers):
                return None
            return self._markers[self._first_unseen].minute_at

    def _mark_seen(self, minutes: set[datetime], now: float) -> None:
        with self._lock:
            for marker in self._markers[self._first_unseen :]:
                if marker.seen_at is None and marker.minute_at in minutes:
                    marker.seen_at = now


def _marker_event(index: int, minute_at: datetime) -> tuple[bytes, bytes]:
    """A valid page_view in the middle of `minute_at`, keyed by its user."""
    user = f"probe-user-{index % _MARKER_USERS}"
    event = PageView(
        schema_version=1, event_id=uuid.uuid4(), occurred_at=minute_at + timedelta(seconds=30),
        user_id=user, session_id=f"probe-session-{index}", device=Device.DESKTOP,
        location=Location(country="DE", city="Berlin"), content_id="probe-page",
        author_id="probe-author", category="Probe", event_type="page_view",
    )  # fmt: skip
    return user.encode(), event.model_dump_json().encode()
