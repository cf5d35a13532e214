"""The simulated people: users with a home location, a device and a lifetime, support
agents with a skill, built once from a seed (Faker only here, never per event)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from faker import Faker

from producer.encoding import new_id
from producer.sampling import WeightedPicker, pareto_weight
from pulse.contract import Device

# (country code, Faker locale, share of users). Non-ASCII city names are deliberate:
# they exercise UTF-8 end to end.
COUNTRIES: tuple[tuple[str, str, float], ...] = (
    ("US", "en_US", 0.28),
    ("IN", "en_IN", 0.10),
    ("DE", "de_DE", 0.09),
    ("GB", "en_GB", 0.08),
    ("BR", "pt_BR", 0.07),
    ("FR", "fr_FR", 0.06),
    ("ES", "es_ES", 0.05),
    ("JP", "ja_JP", 0.05),
    ("CA", "en_CA", 0.05),
    ("IT", "it_IT", 0.04),
    ("NL", "nl_NL", 0.04),
    ("AU", "en_AU", 0.03),
    ("PL", "pl_PL", 0.03),
    ("SE", "sv_SE", 0.03),
)
DEVICE_SHARES: tuple[tuple[str, float], ...] = (
    (Device.MOBILE.value, 0.55),
    (Device.DESKTOP.value, 0.35),
    (Device.TABLET.value, 0.10),
)
# Faker's it_IT provider draws cities from list(set(...)), whose order changes with
# PYTHONHASHSEED, so the same seed would give other cities in another process.
FIXED_CITIES: dict[str, tuple[str, ...]] = {
    "IT": ("Roma", "Milano", "Napoli", "Torino", "Palermo", "Genova", "Bologna", "Firenze",
           "Bari", "Catania", "Venezia", "Verona", "Messina", "Padova", "Trieste", "Brescia",
           "Parma", "Prato", "Modena", "Reggio Calabria", "Forlì", "Cagliari", "Perugia"),
}  # fmt: skip
CITIES_PER_COUNTRY = 40
# Share of users already signed up before the simulation starts; the others sign up
# during it, so that signup cohorts exist for retention.
PREEXISTING_SHARE = 0.5
# Share of users who never churn; the others stay active for an exponential lifetime.
LOYAL_SHARE = 0.3
MEAN_LIFETIME_DAYS = 60.0


@dataclass(slots=True)
class User:
    """A user; `device`, `country` and `city` are mutable because people change phones
    and move, which is what gives the users dimension its SCD type 2 history."""

    user_id: str
    key: bytes
    country: str
    city: str
    device: str
    lifetime_days: float | None
    changes: int = 0


@dataclass(frozen=True, slots=True)
class Agent:
    agent_id: str
    name: str
    # Probability that a call with this agent ends in a sale; varies so that the
    # agent leaderboard has a top and a bottom.
    close_rate: float


@dataclass(slots=True)
class Places:
    """Countries weighted by population share, each with a pool of Zipf-weighted cities."""

    countries: WeightedPicker[str]
    cities: dict[str, WeightedPicker[str]] = field(default_factory=dict)

    def pick(self, rng: random.Random) -> tuple[str, str]:
        country = self.countries.pick(rng)
        return country, self.cities[country].pick(rng)

    def move_within(self, rng: random.Random, country: str) -> str:
        return self.cities[country].pick(rng)


@dataclass(slots=True)
class Population:
    """Users ordered preexisting-first; `preexisting` of them have signed up already."""

    users: list[User]
    preexisting: int
    activity: WeightedPicker[User]
    places: Places
    devices: WeightedPicker[str]
    agents: WeightedPicker[Agent]


def build_places(seed: int) -> Places:
    places = Places(
        countries=WeightedPicker([c for c, _, _ in COUNTRIES], [w for _, _, w in COUNTRIES])
    )
    for index, (country, locale, _) in enumerate(COUNTRIES):
        names = list(FIXED_CITIES.get(country, ())) or _faker_cities(locale, seed * 1009 + index)
        # Zipf weights: a few big cities, a long tail of small towns.
        places.cities[country] = WeightedPicker(names, [1.0 / (r + 1) for r in range(len(names))])
    return places


def _faker_cities(locale: str, seed: int) -> list[str]:
    fake = Faker(locale)
    fake.seed_instance(seed)
    names: list[str] = []
    seen: set[str] = set()  # membership only: iteration order stays the list's
    for _ in range(CITIES_PER_COUNTRY * 3):
        city = fake.city()[:100]
        if city and city not in seen:
            seen.add(city)
            names.append(city)
        if len(names) == CITIES_PER_COUNTRY:
            break
    return names


def build_agents(rng: random.Random, seed: int, count: int) -> WeightedPicker[Agent]:
    fake = Faker("en_US")
    fake.seed_instance(seed * 7919 + 1)
    agents = [
        Agent(agent_id=f"agent-{i + 1:03d}", name=fake.name(), close_rate=rng.uniform(0.15, 0.65))
        for i in range(count)
    ]
    return WeightedPicker(agents, [rng.uniform(0.5, 1.5) for _ in agents])


def build_population(*, users: int, seed: int) -> Population:
    """Everything about people that a seed determines; deterministic for (users, seed)."""
    if users < 1:
        raise ValueError("the population needs at least one user")
    rng = random.Random(f"population:{seed}")
    places = build_places(seed)
    devices = WeightedPicker([d for d, _ in DEVICE_SHARES], [w for _, w in DEVICE_SHARES])
    seen: set[str] = set()
    people: list[User] = []
    while len(people) < users:
        user_id = new_id(rng, "u-", 10)
        if user_id in seen:
            continue
        seen.add(user_id)
        country, city = places.pick(rng)
        loyal = rng.random() < LOYAL_SHARE
        people.append(
            User(
                user_id=user_id,
                key=user_id.encode(),
                country=country,
                city=city,
                device=devices.pick(rng),
                lifetime_days=None if loyal else rng.expovariate(1.0 / MEAN_LIFETIME_DAYS),
            )
        )
    preexisting = max(1, round(users * PREEXISTING_SHARE))
    # Heavy-tailed activity: a few power users make a large share of the events, which
    # is what "top users by action count" needs to show something.
    activity = WeightedPicker(people, [pareto_weight(rng, 1.5) for _ in people])
    agents = build_agents(rng, seed, max(5, min(60, users // 400)))
    return Population(
        users=people,
        preexisting=preexisting,
        activity=activity,
        places=places,
        devices=devices,
        agents=agents,
    )
