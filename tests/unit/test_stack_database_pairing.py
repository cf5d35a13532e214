"""Which stored offsets say a database was filled from another Kafka, and the name it is
kept under."""

from __future__ import annotations

import time

from stack.database_pairing import Mismatch, StoredOffset, archive_name, find_mismatches


def test_offsets_at_or_before_the_end_match() -> None:
    stored = [StoredOffset("t", 0, 10), StoredOffset("t", 1, 4)]
    assert find_mismatches(stored, {("t", 0): 10, ("t", 1): 9}) == []


def test_an_offset_past_the_end_is_a_mismatch() -> None:
    stored = [StoredOffset("t", 0, 10), StoredOffset("t", 1, 4)]
    assert find_mismatches(stored, {("t", 0): 9, ("t", 1): 9}) == [Mismatch(stored[0], 9)]


def test_a_partition_the_broker_lacks_is_a_mismatch() -> None:
    stored = [StoredOffset("gone", 2, 1)]
    mismatches = find_mismatches(stored, {("gone", 0): 5})
    assert mismatches == [Mismatch(stored[0], None)]
    assert "a partition this broker does not have" in mismatches[0].describe()


def test_the_description_names_topic_partition_offset_and_end() -> None:
    text = Mismatch(StoredOffset("activity.events", 0, 351), 1).describe()
    assert text == (
        "activity.events partition 0 at offset 351, where the broker's partition ends at 1"
    )


def test_the_archive_name_carries_the_time_it_was_set_aside() -> None:
    moment = time.strptime("2026-12-02 10:57:22", "%Y-%m-%d %H:%M:%S")
    assert archive_name("pulse", moment) == "pulse_before_20261202_105722"
