"""Python's cyclic garbage collector, set up for a process that streams batches of many
small objects (records, decoded events, fact rows) which reference counting frees alone."""

from __future__ import annotations

import gc

# A young-generation collection every 50,000 net allocations instead of 700: each one
# also walks whatever is young, and a batch in flight is tens of thousands of objects.
# Measured on 200,000 simulated events through `Batch.validate` (frozen start-up state
# in both): the collector's own time per event fell from 1.18 to 0.14 µs.
YOUNG_COLLECTION_THRESHOLD = 50_000


def settle_for_streaming() -> None:
    """Call once start-up is over: what exists now (modules, schemas, settings) lives until
    exit, so it moves out of the collector's sight (`gc.freeze`), and young collections
    get rarer. Cycles are still collected; only how often the collector looks changes."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)
