"""Sends the simulator's catalog records (`producer.catalog_feed`) to the compacted catalog
topic, keyed `<entity_type>:<id>`, acks=all: the snapshot of every entity before the first
event, then each change as the events stream on. Failures are counted for the summary."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kafka.errors import KafkaError

from producer.catalog_feed import CatalogFeed, Message
from producer.publisher import Publisher
from producer.summary import Summary

# Settled futures are dropped every so many sends, so a long run holds few of them.
SETTLE_EVERY = 1000


class CatalogSender:
    def __init__(self, publisher: Publisher, feed: CatalogFeed, summary: Summary) -> None:
        self._publisher = publisher
        self._feed = feed
        self._summary = summary
        self._futures: list[Any] = []

    def send_snapshot(self) -> None:
        self._send(self._feed.snapshot())

    def send_changes(self) -> None:
        """What changed in the catalog since the last call (the runner calls this after
        every chunk of events)."""
        self._send(self._feed.take())

    def finish(self, timeout_s: float) -> None:
        """Send the last changes, wait for every acknowledgement and count the failures."""
        self.send_changes()
        try:
            self._publisher.flush(timeout_s)
        except KafkaError as exc:
            self._summary.first_error = self._summary.first_error or f"catalog flush: {exc}"
        self._settle(all_of_them=True)

    def close(self) -> None:
        self._publisher.close(timeout_s=5)

    def _send(self, messages: Iterable[Message]) -> None:
        for key, value in messages:
            self._futures.append(self._publisher.send(key, value))
            self._summary.catalog_records += 1
        if len(self._futures) >= SETTLE_EVERY:
            self._settle(all_of_them=False)

    def _settle(self, *, all_of_them: bool) -> None:
        waiting = []
        for future in self._futures:
            if not future.is_done:
                if all_of_them:
                    self._failed("not acknowledged before the producer stopped")
                else:
                    waiting.append(future)
            elif future.exception is not None:
                self._failed(f"{type(future.exception).__name__}: {future.exception}")
        self._futures = waiting

    def _failed(self, error: str) -> None:
        self._summary.catalog_failed += 1
        self._summary.first_error = self._summary.first_error or f"catalog: {error}"
