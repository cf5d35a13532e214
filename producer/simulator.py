"""The event stream: opens sessions on the clock's rhythm, interleaves their steps in time
order, encodes each event, and applies the fault plan (late, duplicate, defect copies)."""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from producer.catalog_feed import CatalogFeed
from producer.clock import DAY_US, HOUR_US, Clock, wall_now_us
from producer.encoding import TimestampFormatter, encode, new_id, new_uuid, session_fragment
from producer.faults import DefectFactory, FaultDraw, FaultPlan
from producer.population import User
from producer.records import Defect, Record
from producer.sessions import SessionPlanner, Step
from producer.world import World

# Shares of sessions by kind; an author session is for an author drawn by volume.
WRITE_SHARE = 0.05
SUPPORT_SHARE = 0.02
SHOP_SHARE = 0.33
# In live mode (no schedule), the share of sessions that are a new user's first.
LIVE_SIGNUP_SHARE = 0.01
# Where a duplicate lands after its original, in records: retries come back soon.
DUPLICATE_DELAY_RECORDS = 500
DEFECT_DELAY_RECORDS = 50
PRIOR_MEAN = 6.5  # events per session, before any was seen
PRIOR_WEIGHT = 50
MAX_USER_DRAWS = 8


@dataclass(slots=True)
class _Open:
    """A session in progress: who, which envelope, the remaining steps."""

    user: User
    fragment: str
    steps: Iterator[Step]
    step: Step | None = None  # the next step, scheduled on the heap
    last_us: int = 0
    events: int = 0


@dataclass(slots=True)
class _StreamState:
    next_start: int | None
    # Held-back records (late, duplicates, defects): (release after N emitted, seq, record).
    pending: list[tuple[int, int, Record]] = field(default_factory=list)
    # Open sessions: (virtual time of the next step, seq, session); seq breaks ties so
    # that the order never depends on comparing sessions.
    opened: list[tuple[int, int, _Open]] = field(default_factory=list)
    emitted: int = 0
    generated: int = 0
    seq: int = 0
    # Sessions that ended, and their events: the mean of events per session.
    ended: int = 0
    ended_events: int = 0


@dataclass(slots=True)
class Stats:
    """What the stream produced, for the summary (counted when generated, not acked)."""

    sessions: int = 0
    signups: int = 0
    scd_changes: int = 0


@dataclass(slots=True)
class _Signups:
    """Who signs up when. In simulated time the prospects sign up at times spread over
    the period (so signup cohorts exist); in live time at random."""

    times_us: list[int] = field(default_factory=list)
    next_index: int = 0


class Simulator:
    def __init__(
        self,
        *,
        world: World,
        clock: Clock,
        rng: random.Random,
        plan: FaultPlan,
        defects: DefectFactory,
        end_us: int | None = None,
        catalog: CatalogFeed | None = None,
    ) -> None:
        self._world = world
        self.catalog = catalog  # the catalog's changes as they happen (None: events only)
        self._clock = clock
        self._rng = rng
        self._planner = SessionPlanner(world, rng)
        self._draw = FaultDraw(plan)
        self._late_range = plan.late_delay_records
        self._defects = defects
        self._formatter = TimestampFormatter()
        self._active: set[str] = set()  # user ids with an open session (membership only)
        self._signed_up = world.population.preexisting
        self._signups = _Signups()
        self._churn_at: dict[str, int] = {}
        self._hard_end_us = None if end_us is None else end_us + HOUR_US // 2
        self.stats = Stats()
        users = world.population.users
        if end_us is not None:
            span = end_us - clock.start_us
            prospects = len(users) - self._signed_up
            times = sorted(clock.start_us + int(rng.random() * span) for _ in range(prospects))
            self._signups.times_us = times

    # -- sessions ---------------------------------------------------------------------

    def _pick_user(self, now_us: int) -> User:
        """A signed-up user by activity, preferring one who has not churned and has no
        open session; when the population is too small for the traffic asked, a user may
        have two sessions at once (two tabs) rather than the session being dropped."""
        population, rng = self._world.population, self._rng
        fallback: User | None = None
        for _ in range(MAX_USER_DRAWS):
            user = population.activity.pick(rng, self._signed_up)
            churn_at = self._churn_at.get(user.user_id)
            if churn_at is None:
                churn_at = self._churn_deadline(user, self._clock.start_us)
            if now_us >= churn_at:
                fallback = fallback or user
                continue
            if user.user_id not in self._active:
                return user
            fallback = user
        assert fallback is not None
        return fallback

    @staticmethod
    def _churn_deadline(user: User, since_us: int) -> int:
        if user.lifetime_days is None:
            return 2**62
        return since_us + int(user.lifetime_days * DAY_US)

    def _due_signup(self, now_us: int) -> User | None:
        users = self._world.population.users
        if self._signed_up >= len(users):
            return None
        if self._clock.simulated:
            schedule = self._signups
            if schedule.next_index >= len(schedule.times_us):
                return None
            if schedule.times_us[schedule.next_index] > now_us:
                return None
            schedule.next_index += 1
        elif self._rng.random() >= LIVE_SIGNUP_SHARE:
            return None
        user = users[self._signed_up]
        self._signed_up += 1
        self._churn_at[user.user_id] = self._churn_deadline(user, now_us)
        self.stats.signups += 1
        return user

    def _open(self, now_us: int) -> _Open:
        rng, planner = self._rng, self._planner
        user = self._due_signup(now_us)
        if user is not None:
            steps = planner.browse(signup=True)
        else:
            roll = rng.random()
            if roll < WRITE_SHARE:
                author = self._world.authors.pick(rng)
                user = author.user
                steps = planner.write(author)
            else:
                user = self._pick_user(now_us)
                if roll < WRITE_SHARE + SUPPORT_SHARE:
                    steps = planner.support_call()
                elif roll < WRITE_SHARE + SUPPORT_SHARE + SHOP_SHARE:
                    steps = planner.shop()
                else:
                    steps = planner.browse()
            before = user.changes
            planner.maybe_change(user)
            self.stats.scd_changes += user.changes - before
        self.stats.sessions += 1
        self._active.add(user.user_id)  # a second session of the same user is harmless
        fragment = session_fragment(
            user_id=user.user_id,
            session_id=new_id(rng, "s-", 16),
            device=user.device,
            country=user.country,
            city=user.city,
        )
        return _Open(user=user, fragment=fragment, steps=steps)

    # -- the stream -------------------------------------------------------------------

    def records(
        self, *, limit: int | None = None, should_stop: Callable[[], bool] = lambda: False
    ) -> Iterator[Record]:
        """Yields records until `limit` have been generated, `should_stop()` is true or the
        clock ends; then yields every record still held back, so a stop never loses the
        add_to_cart of a purchase that was already sent."""
        state = _StreamState(next_start=self._clock.next_session_start(self._rng, PRIOR_MEAN))
        pending = state.pending
        while (limit is None or state.generated < limit) and not should_stop():
            if pending and pending[0][0] <= state.emitted:
                yield heapq.heappop(pending)[2]
                state.emitted += 1
                continue
            if state.next_start is not None and (
                not state.opened or state.next_start <= state.opened[0][0]
            ):
                self._start_session(state)
                continue
            if not state.opened:
                break
            record = self._next_event(state)
            if record is None:
                continue
            fault = self._draw.draw(self._rng) if self._draw.total else None
            if fault == FaultDraw.LATE:
                self._hold_late(state, record)
                continue
            yield record
            state.emitted += 1
            if fault is not None and (limit is None or state.generated < limit):
                self._add_extra(state, record, fault)
        while pending:
            yield heapq.heappop(pending)[2]

    def _start_session(self, state: _StreamState) -> None:
        assert state.next_start is not None
        if self.catalog:
            self.catalog.maybe_change(self._clock.event_time(state.next_start))
        self._schedule(state, self._open(state.next_start), state.next_start)
        # A running mean of events per ended session turns the clock's events into
        # sessions whatever the mix of session kinds turns out to be; the open sessions
        # have promised about that many events each.
        mean = (state.ended_events + PRIOR_MEAN * PRIOR_WEIGHT) / (state.ended + PRIOR_WEIGHT)
        committed = self.stats.sessions * mean
        state.next_start = self._clock.next_session_start(self._rng, mean, committed)

    def _next_event(self, state: _StreamState) -> Record | None:
        at_us, _, session = heapq.heappop(state.opened)
        step = session.step
        assert step is not None
        if self._hard_end_us is not None and at_us > self._hard_end_us:
            # Past the end of simulated time, which is before "now": end the session.
            self._active.discard(session.user.user_id)
            state.ended += 1
            state.ended_events += session.events
            return None
        occurred = self._clock.event_time(at_us)
        if occurred <= session.last_us:
            occurred = session.last_us + 1  # strictly increasing within a session
        session.last_us = occurred
        if step.post is not None and self.catalog:
            self.catalog.published(step.post, occurred)
        event_id = new_uuid(self._rng)
        value = encode(event_id, self._formatter.format(occurred), session.fragment, step.tail)
        session.events += 1
        state.generated += 1
        self._schedule(state, session, at_us)
        # Positional arguments: the cheapest way to build the tuple, once per event.
        return Record(
            session.user.key, value, event_id, step.event_type, occurred,
            None, False, False, step.call,
        )  # fmt: skip

    def _hold_late(self, state: _StreamState, record: Record) -> None:
        low, high = self._late_range
        delay = int(math.exp(self._rng.uniform(math.log(low), math.log(high))))
        self._push(state, delay, record._replace(is_late=True))

    def _add_extra(self, state: _StreamState, record: Record, fault: Defect | str) -> None:
        state.generated += 1
        if fault == FaultDraw.DUPLICATE:
            # Same bytes, same event_id: what a producer retry after a lost ack sends.
            delay = self._rng.randrange(DUPLICATE_DELAY_RECORDS)
            self._push(state, delay, record._replace(is_duplicate=True))
            return
        assert isinstance(fault, Defect)
        extra = self._defects.make(fault, record, self._rng, wall_now_us())
        self._push(state, self._rng.randrange(DEFECT_DELAY_RECORDS), extra)

    @staticmethod
    def _push(state: _StreamState, delay: int, record: Record) -> None:
        heapq.heappush(state.pending, (state.emitted + delay, state.seq, record))
        state.seq += 1

    def _schedule(self, state: _StreamState, session: _Open, now_us: int) -> None:
        step = next(session.steps, None)
        if step is None:
            self._active.discard(session.user.user_id)
            state.ended += 1
            state.ended_events += session.events
            return
        session.step = step
        heapq.heappush(state.opened, (now_us + step.gap_us, state.seq, session))
        state.seq += 1
