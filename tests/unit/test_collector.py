"""The collector set-up of long-running processes (pulse/collector.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from pulse.collector import YOUNG_COLLECTION_THRESHOLD, settle_for_streaming


@pytest.fixture
def restored_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored_collector")
def test_start_up_state_is_frozen_and_young_collections_get_rarer() -> None:
    gc.unfreeze()
    _, middle, old = gc.get_threshold()
    settle_for_streaming()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, middle, old)
    assert gc.isenabled()


@pytest.mark.usefixtures("restored_collector")
def test_cycles_are_still_collected() -> None:
    settle_for_streaming()

    class Node:
        partner: object

    first, second = Node(), Node()
    first.partner, second.partner = second, first
    del first, second
    assert gc.collect() >= 2
