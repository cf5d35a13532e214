"""The catalog as the simulator publishes it to the compacted catalog topic: every product,
post, author and agent when the run starts, then each change as it happens: a post
published, a product renamed or repriced (later carts carry the new price), a post's tags
or promotion changed, an author's home category, an agent's team.

The first version of each entity carries a fixed time (SNAPSHOT_AT, or the start of the
simulated period if that is earlier, minus an age drawn per entity), so a run that
publishes the same world again sends the same versions: the consumer keeps them once.
The feed draws from its own generator, so turning it on changes no event of a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from faker import Faker

from producer.catalog import CATEGORIES, CURRENCY, Author, Content, Product
from producer.clock import DAY_US
from producer.encoding import product_fragment
from producer.population import Agent
from producer.world import World
from pulse.contract import (
    SCHEMA_VERSION,
    AgentRecord,
    AuthorRecord,
    CatalogRecord,
    PostRecord,
    ProductRecord,
    catalog_key,
)

SNAPSHOT_AT = datetime(2025, 1, 1, tzinfo=UTC)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# How far before the snapshot time an entity's first version may lie.
MAX_AGE_DAYS = 365
# Chance that a session start brings one catalog change (about one a minute at the
# demo's rate), by kind.
CHANGE_PER_SESSION = 0.01
CHANGES = (("rename", 2), ("reprice", 3), ("retag", 2), ("promote", 1), ("move", 1), ("team", 1))
PROMOTED_SHARE = 0.08
TEAMS = ("Inbound Sales", "Customer Care", "Retention", "Technical Support")
TAGS: dict[str, tuple[str, ...]] = {
    "Tech": ("ai", "cloud", "security", "gadgets", "programming", "startups"),
    "Business": ("strategy", "leadership", "marketing", "remote-work", "sales"),
    "Lifestyle": ("travel", "food", "home", "fashion", "wellbeing"),
    "Health": ("fitness", "nutrition", "sleep", "mental-health", "running"),
    "Finance": ("investing", "budgeting", "crypto", "retirement", "taxes"),
    "Entertainment": ("movies", "music", "gaming", "tv", "books"),
    "Science": ("space", "climate", "biology", "physics", "research"),
}
RENAMES = ("{name} Pro", "{name} Plus", "{name} 2", "New {name}", "{name} Lite")

Message = tuple[bytes, bytes]


@dataclass(slots=True)
class _Post:
    content: Content
    title: str
    tags: tuple[str, ...]
    promoted: bool
    published_at_us: int


class CatalogFeed:
    def __init__(self, world: World, *, seed: int, population_seed: int, start_us: int) -> None:
        self._world = world
        self._rng = random.Random(f"catalog-changes:{seed}")
        fake = Faker("en_US")
        fake.seed_instance(population_seed * 6007 + 11)
        self._titles = [fake.catch_phrase() for _ in range(400)]
        self._titles += [f"How to {fake.bs()}" for _ in range(200)]
        self._names = [fake.name() for _ in range(1000)]
        anchor = min(SNAPSHOT_AT, _moment(start_us))
        self._anchor_us = (anchor - _EPOCH) // timedelta(microseconds=1)
        self._posts: dict[str, _Post] = {}
        self._post_ids: list[str] = []
        self._agents = {agent.agent_id: agent for agent in world.population.agents.items}
        self._teams = {agent_id: _draw(agent_id, TEAMS) for agent_id in self._agents}
        self._original_names = {p.product_id: p.name for p in world.products.items}
        self._pending: list[Message] = []

    def snapshot(self) -> list[Message]:
        """Every entity the world starts with, each at its first version's time."""
        world, first = self._world, self._first_version_us
        out = [self._product(p, first(p.product_id)) for p in world.products.items]
        for author in world.authors.items:
            out.append(self._author(author, first(author.user.user_id)))
        for agent_id in self._agents:
            out.append(self._agent(agent_id, first(agent_id)))
        for item in world.content.preexisting:
            published = self._first_version_us(item.content_id)
            out.append(self._post(self._new_post(item, published), published))
        return out

    def published(self, item: Content, at_us: int) -> None:
        """A post was published (its page_create event happens at `at_us`)."""
        self._pending.append(self._post(self._new_post(item, at_us), at_us))

    def maybe_change(self, at_us: int) -> None:
        rng = self._rng
        if rng.random() >= CHANGE_PER_SESSION:
            return
        kinds, weights = zip(*CHANGES, strict=True)
        kind = rng.choices(kinds, weights)[0]
        if kind in ("rename", "reprice"):
            self._change_product(kind, at_us)
        elif kind in ("retag", "promote") and self._post_ids:
            post = self._posts[rng.choice(self._post_ids)]
            if kind == "promote":
                post.promoted = not post.promoted
            else:
                post.tags = self._retagged(post)
            self._pending.append(self._post(post, at_us))
        elif kind == "move":
            # An author's home category: where most of their new posts go from now on.
            author = rng.choice(self._world.authors.items)
            home = rng.choice([c for c in CATEGORIES if c != author.category])
            moved = replace(author, category=home)
            self._world.authors.replace(author, moved)
            self._pending.append(self._author(moved, at_us))
        elif kind == "team":
            agent_id = rng.choice(sorted(self._teams))
            self._teams[agent_id] = rng.choice([t for t in TEAMS if t != self._teams[agent_id]])
            self._pending.append(self._agent(agent_id, at_us))

    def take(self) -> list[Message]:
        """The changes since the last call, in the order they happened."""
        taken, self._pending = self._pending, []
        return taken

    def _change_product(self, kind: str, at_us: int) -> None:
        rng = self._rng
        product = rng.choice(self._world.products.items)
        if kind == "rename":
            original = self._original_names[product.product_id]
            names = [n.format(name=original) for n in RENAMES]
            name = rng.choice([n for n in names if n != product.name])[:100]
            changed = replace(product, name=name)
        else:
            factor = Decimal(str(round(rng.uniform(0.8, 1.25), 2)))
            # Retail prices end in .99.
            price = max(Decimal(int(product.unit_price * factor)), Decimal(2)) - Decimal("0.01")
            _, after = product_fragment(
                product_id=product.product_id, unit_price=price, currency=CURRENCY
            )
            changed = replace(product, unit_price=price, cart_after_quantity=after)
        self._world.products.replace(product, changed)
        self._pending.append(self._product(changed, at_us))

    def _retagged(self, post: _Post) -> tuple[str, ...]:
        rng, tags = self._rng, list(post.tags)
        candidates = [t for t in TAGS.get(post.content.category, TAGS["Tech"]) if t not in tags]
        if candidates and (len(tags) < 2 or rng.random() < 0.5):
            tags.append(rng.choice(candidates))
        else:
            tags.pop(rng.randrange(len(tags)))
        return tuple(tags)

    def _new_post(self, item: Content, published_at_us: int) -> _Post:
        rng = random.Random(f"post:{item.content_id}")
        choices = TAGS.get(item.category, ())
        tags = tuple(rng.sample(choices, rng.randint(1, min(3, len(choices))))) if choices else ()
        promoted = rng.random() < PROMOTED_SHARE
        post = _Post(item, rng.choice(self._titles), tags, promoted, published_at_us)
        if item.content_id not in self._posts:
            self._post_ids.append(item.content_id)
        self._posts[item.content_id] = post
        return post

    def _first_version_us(self, entity_id: str) -> int:
        age = random.Random(f"listed:{entity_id}").random() * MAX_AGE_DAYS * DAY_US
        return self._anchor_us - int(age)

    def _product(self, product: Product, at_us: int) -> Message:
        return _message(ProductRecord(
            schema_version=SCHEMA_VERSION, entity_type="product", updated_at=_moment(at_us),
            product_id=product.product_id, name=product.name, category=product.category,
            unit_price=product.unit_price, currency=CURRENCY,
        ))  # fmt: skip

    def _post(self, post: _Post, at_us: int) -> Message:
        item = post.content
        return _message(PostRecord(
            schema_version=SCHEMA_VERSION, entity_type="post", updated_at=_moment(at_us),
            post_id=item.content_id, title=post.title, tags=list(post.tags),
            promoted=post.promoted, author_id=item.author.user.user_id, category=item.category,
            published_at=_moment(post.published_at_us),
        ))  # fmt: skip

    def _author(self, author: Author, at_us: int) -> Message:
        author_id = author.user.user_id
        return _message(AuthorRecord(
            schema_version=SCHEMA_VERSION, entity_type="author", updated_at=_moment(at_us),
            author_id=author_id, name=_draw(author_id, self._names), home_category=author.category,
        ))  # fmt: skip

    def _agent(self, agent_id: str, at_us: int) -> Message:
        agent: Agent = self._agents[agent_id]
        return _message(AgentRecord(
            schema_version=SCHEMA_VERSION, entity_type="agent", updated_at=_moment(at_us),
            agent_id=agent_id, name=agent.name, team=self._teams[agent_id],
        ))  # fmt: skip


def _draw(entity_id: str, choices: tuple[str, ...] | list[str]) -> str:
    """The same choice for the same entity in every run."""
    return random.Random(f"attribute:{entity_id}").choice(choices)


def _moment(epoch_us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=epoch_us)


def _message(record: CatalogRecord) -> Message:
    return catalog_key(record.entity_type, record.entity_id), record.model_dump_json().encode()
