"""What a user does in one session, as lazy steps that carry their event's JSON tail:
browsing, the shopping funnel (view -> cart -> purchase), writing, signup, support calls."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import NamedTuple

from producer.calls import agent_display_name, make_call
from producer.catalog import Author, Content, Product, new_content
from producer.encoding import json_str, new_id
from producer.population import User
from producer.records import CallTruth
from producer.sampling import gap_us, geometric
from producer.world import World

ELEMENTS = ("title", "link", "image", "cta_button", "related_post", "tag")
CHANNELS = ("email", "twitter", "linkedin", "copy_link", "slack")
REFERRALS = ("organic", "ads", "friend", "newsletter", "partner")
MEAN_THINK_SECONDS = 35.0
DEVICE_CHANGE_PER_SESSION = 0.004
MOVE_PER_SESSION = 0.002


class Step(NamedTuple):
    gap_us: int
    event_type: str
    tail: str
    call: CallTruth | None = None
    post: Content | None = None  # the post a page_create publishes, for the catalog


def _simple(event_type: str) -> str:
    return f',"event_type":"{event_type}"}}'


LOGIN, LOGOUT = _simple("login"), _simple("logout")


class SessionPlanner:
    """Turns (user, kind) into steps; all randomness comes from one seeded generator."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self._world = world
        self._rng = rng

    def maybe_change(self, user: User) -> None:
        """People change devices and move, rarely; each change is an SCD type 2 version."""
        rng, population = self._rng, self._world.population
        if rng.random() < DEVICE_CHANGE_PER_SESSION:
            device = population.devices.pick(rng)
            if device != user.device:
                user.device = device
                user.changes += 1
        if rng.random() < MOVE_PER_SESSION:
            if rng.random() < 0.8:
                city = population.places.move_within(rng, user.country)
            else:
                user.country, city = population.places.pick(rng)
            if city != user.city:
                user.city = city
                user.changes += 1

    def _gap(self) -> int:
        return gap_us(self._rng, MEAN_THINK_SECONDS)

    def _search(self) -> Step:
        rng, queries = self._rng, self._world.queries
        query = queries[int(rng.random() * len(queries))]
        tail = (
            f',"event_type":"search","query":{query},"results_count":{int(rng.expovariate(0.02))}}}'
        )
        return Step(self._gap(), "search", tail)

    def browse(self, *, signup: bool = False) -> Iterator[Step]:
        rng, world = self._rng, self._world
        if signup:
            source = rng.choice(REFERRALS) if rng.random() < 0.8 else None
            referral = "null" if source is None else f'"{source}"'
            yield Step(0, "signup", f',"event_type":"signup","referral_source":{referral}}}')
            yield Step(self._gap(), "login", LOGIN)
        elif rng.random() < 0.35:
            yield Step(0, "login", LOGIN)
        for _ in range(1 + geometric(rng, 3.5, 40)):
            if rng.random() < 0.15:
                yield self._search()
            item = world.content.pick(rng)
            frag = item.fragment
            yield Step(self._gap(), "page_view", f',{frag},"event_type":"page_view"}}')
            quality = item.author.quality
            if rng.random() < 0.25:
                element = ELEMENTS[int(rng.random() * len(ELEMENTS))]
                yield Step(
                    self._gap(), "click", f',{frag},"event_type":"click","element":"{element}"}}'
                )
            # Engagement scales with the author's quality: that is what makes some authors
            # "high volume, low engagement" and others worth benchmarking against.
            if rng.random() < 0.07 * quality:
                yield Step(self._gap(), "like", f',{frag},"event_type":"like"}}')
            if rng.random() < 0.02 * quality:
                text = world.comments[int(rng.random() * len(world.comments))]
                text = text if rng.random() < 0.8 else "null"
                yield Step(
                    self._gap(), "comment", f',{frag},"event_type":"comment","text":{text}}}'
                )
            if rng.random() < 0.015 * quality:
                channel = CHANNELS[int(rng.random() * len(CHANNELS))]
                yield Step(
                    self._gap(), "share", f',{frag},"event_type":"share","channel":"{channel}"}}'
                )
        if rng.random() < 0.3:
            yield Step(self._gap(), "logout", LOGOUT)

    def shop(self) -> Iterator[Step]:
        """The funnel. A purchase is only ever made of a line that is in this session's
        cart, so no purchase comes without an earlier add_to_cart in the same session."""
        rng, world = self._rng, self._world
        if rng.random() < 0.5:
            yield Step(0, "login", LOGIN)
        if rng.random() < 0.4:
            yield self._search()
        cart: list[tuple[Product, int]] = []
        for _ in range(1 + geometric(rng, 1.5, 12)):
            product = world.products.pick(rng)
            frag = product.page_fragment
            yield Step(self._gap(), "page_view", f',{frag},"event_type":"page_view"}}')
            if rng.random() < 0.22:
                quantity = 1 if rng.random() < 0.8 else rng.randrange(2, 5)
                cart.append((product, quantity))
                yield Step(self._gap(), "add_to_cart", _cart_tail(product, quantity, "add_to_cart"))
        if cart and rng.random() < 0.12:
            product, quantity = cart.pop(int(rng.random() * len(cart)))
            yield Step(
                self._gap(), "remove_from_cart", _cart_tail(product, quantity, "remove_from_cart")
            )
        if cart and rng.random() < 0.45:
            for product, quantity in cart:
                order_id = new_id(rng, "o-", 14)
                tail = (
                    _cart_tail(product, quantity, "purchase")[:-1] + f',"order_id":"{order_id}"}}'
                )
                yield Step(self._gap(), "purchase", tail)
        if rng.random() < 0.4:
            yield Step(self._gap(), "logout", LOGOUT)

    def write(self, author: Author) -> Iterator[Step]:
        """An author's session: publish, then polish what was published."""
        rng, world = self._rng, self._world
        if rng.random() < 0.7:
            yield Step(0, "login", LOGIN)
        published = []
        for _ in range(1 if rng.random() < 0.8 else 2):
            item = new_content(rng, author)
            world.content.publish(item)
            published.append(item)
            yield Step(
                self._gap() * 4,
                "page_create",
                f',{item.fragment},"event_type":"page_create"}}',
                post=item,
            )
        for _ in range(geometric(rng, 1.0, 6)):
            item = published[int(rng.random() * len(published))]
            yield Step(self._gap() * 2, "page_edit", f',{item.fragment},"event_type":"page_edit"}}')
        if rng.random() < 0.5:
            yield Step(self._gap(), "logout", LOGOUT)

    def support_call(self) -> Iterator[Step]:
        rng, world = self._rng, self._world
        agent = world.population.agents.pick(rng)
        product = world.products.pick(rng).name
        transcript, duration, truth = make_call(rng, agent, product)
        name = json_str(agent_display_name(rng, agent))
        tail = (
            f',"event_type":"support_call","call_id":"{new_id(rng, "call-", 12)}",'
            f'"agent_id":"{agent.agent_id}","agent_name":{name},'
            f'"duration_seconds":{duration},"transcript":{json_str(transcript)}}}'
        )
        yield Step(0, "support_call", tail, truth)


def _cart_tail(product: Product, quantity: int, event_type: str) -> str:
    return (
        f",{product.cart_before_quantity}{quantity}{product.cart_after_quantity},"
        f'"event_type":"{event_type}"}}'
    )
