"""Everything a run's sessions draw from, built once from (users, seed): the population,
authors, content and product catalogs, and pools of search queries and comments."""

from __future__ import annotations

import random
from dataclasses import dataclass

from producer.catalog import (
    Author,
    ContentCatalog,
    Product,
    build_authors,
    build_content,
    build_products,
    build_text_pools,
)
from producer.encoding import json_str
from producer.population import Population, build_population
from producer.sampling import WeightedPicker


@dataclass(slots=True)
class World:
    population: Population
    authors: WeightedPicker[Author]
    content: ContentCatalog
    products: WeightedPicker[Product]
    queries: list[str]  # JSON string literals, escaped once here
    comments: list[str]  # JSON string literals, escaped once here


def build_world(*, users: int, seed: int) -> World:
    """Deterministic for (users, seed); sizes scale with the number of users."""
    population = build_population(users=users, seed=seed)
    rng = random.Random(f"catalog:{seed}")
    authors = build_authors(
        rng, population.users[: population.preexisting], max(5, min(500, users // 50))
    )
    content = build_content(rng, authors, max(200, min(20_000, users // 5)))
    products = build_products(rng, seed, max(50, min(2_000, users // 20)), sellers=25)
    queries, comments = build_text_pools(seed)
    return World(
        population=population,
        authors=authors,
        content=content,
        products=products,
        queries=[json_str(q) for q in queries],
        comments=[json_str(c) for c in comments],
    )
