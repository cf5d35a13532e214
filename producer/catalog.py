"""What users act on: authors writing in categories, a content catalog with heavy-tailed
popularity that grows as authors publish, and a product catalog with exact prices."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from faker import Faker

from producer.encoding import content_fragment, new_id, product_fragment
from producer.population import User
from producer.sampling import WeightedPicker, pareto_weight

CATEGORIES = ("Tech", "Business", "Lifestyle", "Health", "Finance", "Entertainment", "Science")
PRODUCT_CATEGORIES: tuple[tuple[str, float, float, tuple[str, ...]], ...] = (
    # (name, median price, spread of the log-normal, nouns for product names)
    ("Electronics", 180.0, 0.9, ("headphones", "speaker", "tablet", "router", "monitor")),
    ("Home", 45.0, 0.8, ("lamp", "blender", "kettle", "rug", "coffee maker")),
    ("Books", 18.0, 0.4, ("cookbook", "novel", "guide", "atlas")),
    ("Apparel", 40.0, 0.6, ("jacket", "sneakers", "backpack", "hoodie")),
    ("Sports", 60.0, 0.8, ("yoga mat", "bike helmet", "tent", "running watch")),
    ("Beauty", 22.0, 0.5, ("face cream", "hair dryer", "perfume")),
    ("Toys", 30.0, 0.6, ("puzzle", "robot kit", "board game")),
)
# Product pages are pages too: their views are `page_view` events in this category, with
# the product id as content id and the seller as author, so the funnel starts with a view.
SHOP_CATEGORY = "Shop"
CURRENCY = "USD"
RECENT_CAPACITY = 4096
# Share of content views that go to recently published items rather than the catalog.
RECENT_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class Author:
    user: User
    category: str
    # How much the author publishes and how much engagement a post gets are independent,
    # so that "high volume, low engagement" authors exist for the coaching analysis.
    volume: float
    quality: float


@dataclass(frozen=True, slots=True)
class Content:
    content_id: str
    author: Author
    category: str
    fragment: str


@dataclass(frozen=True, slots=True)
class Product:
    product_id: str
    name: str
    category: str
    unit_price: Decimal
    page_fragment: str
    cart_before_quantity: str
    cart_after_quantity: str


class ContentCatalog:
    """Items published before the run (heavy-tailed popularity) plus a ring of items
    published during it, which get a share of the views while they are recent."""

    def __init__(self, items: list[Content], weights: list[float], max_quality: float) -> None:
        self._catalog = WeightedPicker(items, weights)
        self._recent: list[Content] = []
        self._next_slot = 0
        self._max_quality = max_quality

    @property
    def preexisting(self) -> tuple[Content, ...]:
        """The items published before the run."""
        return self._catalog.items

    def pick(self, rng: random.Random) -> Content:
        if self._recent and rng.random() < RECENT_SHARE:
            # Accept a recent item with probability proportional to its author's quality:
            # a cheap way to weight a ring buffer that changes all the time.
            for _ in range(4):
                item = self._recent[int(rng.random() * len(self._recent))]
                if rng.random() * self._max_quality < item.author.quality:
                    return item
        return self._catalog.pick(rng)

    def publish(self, item: Content) -> None:
        if len(self._recent) < RECENT_CAPACITY:
            self._recent.append(item)
        else:
            self._recent[self._next_slot] = item
            self._next_slot = (self._next_slot + 1) % RECENT_CAPACITY


def new_content(rng: random.Random, author: Author) -> Content:
    category = author.category if rng.random() < 0.8 else rng.choice(CATEGORIES)
    content_id = new_id(rng, "c-", 12)
    fragment = content_fragment(
        content_id=content_id, author_id=author.user.user_id, category=category
    )
    return Content(content_id=content_id, author=author, category=category, fragment=fragment)


def build_authors(rng: random.Random, candidates: list[User], count: int) -> WeightedPicker[Author]:
    """Authors are users who signed up before the run and never churn."""
    chosen = rng.sample(candidates, min(count, len(candidates)))
    authors: list[Author] = []
    for user in chosen:
        user.lifetime_days = None
        authors.append(
            Author(
                user=user,
                category=rng.choice(CATEGORIES),
                volume=pareto_weight(rng, 1.2),
                quality=min(rng.lognormvariate(0.0, 0.6), 6.0),
            )
        )
    return WeightedPicker(authors, [a.volume for a in authors])


def build_content(
    rng: random.Random, authors: WeightedPicker[Author], count: int
) -> ContentCatalog:
    items = [new_content(rng, authors.pick(rng)) for _ in range(count)]
    weights = [item.author.quality * pareto_weight(rng, 1.2) for item in items]
    return ContentCatalog(items, weights, max_quality=6.0)


def _price(rng: random.Random, median: float, spread: float) -> Decimal:
    raw = max(1.0, median * rng.lognormvariate(0.0, spread))
    # Retail prices end in .99 or .00; Decimal from a formatted string keeps them exact.
    cents = "99" if rng.random() < 0.7 else "00"
    whole = int(raw) if cents == "00" else max(0, int(raw) - 1)
    return Decimal(f"{whole}.{cents}")


def build_products(
    rng: random.Random, seed: int, count: int, sellers: int
) -> WeightedPicker[Product]:
    fake = Faker("en_US")
    fake.seed_instance(seed * 4099 + 3)
    products: list[Product] = []
    for _ in range(count):
        category, median, spread, nouns = rng.choice(PRODUCT_CATEGORIES)
        product_id = new_id(rng, "p-", 10)
        price = _price(rng, median, spread)
        seller = f"seller-{rng.randrange(sellers) + 1:03d}"
        before, after = product_fragment(product_id=product_id, unit_price=price, currency=CURRENCY)
        products.append(
            Product(
                product_id=product_id,
                name=f"{fake.last_name()} {rng.choice(nouns)}",
                category=category,
                unit_price=price,
                page_fragment=content_fragment(
                    content_id=product_id, author_id=seller, category=SHOP_CATEGORY
                ),
                cart_before_quantity=before,
                cart_after_quantity=after,
            )
        )
    # Zipf popularity: a few best sellers, a long tail.
    return WeightedPicker(products, [1.0 / (rank + 1) ** 0.9 for rank in range(count)])


def build_text_pools(seed: int) -> tuple[list[str], list[str]]:
    """(search queries, comment texts), drawn once so that no event calls Faker."""
    fake = Faker("en_US")
    fake.seed_instance(seed * 31 + 5)
    queries = [fake.bs()[:256] for _ in range(200)]
    queries += [f"{fake.word()} {category.lower()}" for category in CATEGORIES for _ in range(20)]
    comments = [fake.sentence(nb_words=12)[:2000] for _ in range(300)]
    return queries, comments
