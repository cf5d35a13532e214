"""The inputs of docs/scaling.md (per-event figures and stated assumptions, by symbol) and
every derived quantity as a formula over them, evaluated at 10k, 100k and 1M events/s.

Each quantity has a symbol of its own, so later formulas can use it, and a formula as it is
shown in the document; `worked` writes the same formula with the numbers put in."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

RATES = (10_000, 100_000, 1_000_000)
DAY_S = 86_400
PAGE_BYTES = 8192
# PostgreSQL requests a checkpoint once (1 + checkpoint_completion_target) x the WAL of one
# interval would exceed max_wal_size; 0.9 is the default target.
CHECKPOINT_SPREAD = 1.9

# symbol -> (unit as the document writes it, factor to seconds / bytes / plain numbers)
UNITS: dict[str, tuple[str, float]] = {
    "C_consumer": ("µs", 1e-6),
    "C_pg": ("µs", 1e-6),
    "C_hot": ("µs", 1e-6),
    "C_replay": ("µs", 1e-6),
    "C_produce": ("µs", 1e-6),
    "C_fetch": ("µs", 1e-6),
    "B_kafka": ("B", 1.0),
    "B_fact": ("B", 1.0),
    "B_aggr": ("B", 1.0),
    "B_dedup": ("B", 1.0),
    "B_wal": ("B", 1.0),
    "S_fpi": ("B", 1.0),
    "M_consumer": ("MiB", 2.0**20),
    "Q_round": ("ms", 1e-3),
    "u": ("", 1.0),
    "u_replay": ("", 1.0),
    "N_cores": ("", 1.0),
    "RF": ("", 1.0),
    "D_kafka": ("days", float(DAY_S)),
    "D_facts": ("days", float(DAY_S)),
    "T_ckpt": ("s", 1.0),
    "Q_rate": ("/s", 1.0),
}

Values = Mapping[str, float]  # symbol -> value in seconds, bytes or plain numbers; R too


@dataclass(frozen=True, slots=True)
class Quantity:
    symbol: str
    what: str
    formula: str
    unit: str  # of the result as shown: cores, MB/s, GB, ...
    scale: float  # shown value = computed / scale
    compute: Callable[[Values], float]


def _pages_touched(v: Values) -> float:
    """Distinct pages of a dedup index with random insert positions that one checkpoint
    interval dirties: P (1 - e^(-k/P)) for k inserts spread evenly over P pages."""
    pages = v["P_idx"]
    inserts = v["R"] * v["T_ckpt"]
    return pages * -math.expm1(-inserts / pages) if pages else 0.0


QUANTITIES: tuple[Quantity, ...] = (
    Quantity("T_proc", "events/s one consumer process carries", "u / max(C_consumer, C_pg)",
             "events/s", 1, lambda v: v["u"] / max(v["C_consumer"], v["C_pg"])),
    Quantity("n", "consumer processes in the group", "ceil(R / T_proc)",
             "", 1, lambda v: math.ceil(v["R"] / v["T_proc"])),
    Quantity("cores_consumer", "consumer CPU", "R * C_consumer",
             "cores", 1, lambda v: v["R"] * v["C_consumer"]),
    Quantity("hosts", "consumer machines", "ceil(cores_consumer / (u * N_cores))",
             "", 1, lambda v: math.ceil(v["cores_consumer"] / (v["u"] * v["N_cores"]))),
    Quantity("mem_consumer", "consumer memory", "n * M_consumer",
             "GiB", 2**30, lambda v: v["n"] * v["M_consumer"]),
    Quantity("P", "Kafka partitions", "12 * ceil(2 * n / 12)",
             "", 1, lambda v: 12 * math.ceil(2 * v["n"] / 12)),
    Quantity("R_partition", "events/s per partition", "R / P",
             "events/s", 1, lambda v: v["R"] / v["P"]),
    Quantity("cores_kafka", "broker CPU, all brokers", "R * RF * (C_produce + C_fetch) / u",
             "cores", 1, lambda v: v["R"] * v["RF"] * (v["C_produce"] + v["C_fetch"]) / v["u"]),
    Quantity("disk_rate_kafka", "broker disk writes, all brokers", "R * B_kafka * RF",
             "MB/s", 1e6, lambda v: v["R"] * v["B_kafka"] * v["RF"]),
    Quantity("disk_kafka", "broker disk for the retention", "R * B_kafka * RF * D_kafka",
             "TB", 1e12, lambda v: v["R"] * v["B_kafka"] * v["RF"] * v["D_kafka"]),
    Quantity("cores_pg", "PostgreSQL CPU", "R * C_pg / u",
             "cores", 1, lambda v: v["R"] * v["C_pg"] / v["u"]),
    Quantity("hot", "share of time the shared hot rows are locked", "R * C_hot",
             "%", 0.01, lambda v: v["R"] * v["C_hot"]),
    Quantity("replay", "busy share of one standby's replay process", "R * C_replay",
             "%", 0.01, lambda v: v["R"] * v["C_replay"]),
    Quantity("N", "PostgreSQL nodes (shards)",
             "ceil(max(cores_pg / N_cores, hot / u, replay / u_replay))", "", 1,
             lambda v: math.ceil(max(v["cores_pg"] / v["N_cores"], v["hot"] / v["u"],
                                     v["replay"] / v["u_replay"]))),
    Quantity("P_idx", "pages of the dedup index", "R * D_facts * B_dedup / 8 KiB",
             "", 1, lambda v: v["R"] * v["D_facts"] * v["B_dedup"] / PAGE_BYTES),
    Quantity("fpi", "WAL per event for the dedup index's page images",
             "S_fpi * P_idx * (1 - exp(-R * T_ckpt / P_idx)) / (R * T_ckpt)", "B", 1,
             lambda v: v["S_fpi"] * _pages_touched(v) / (v["R"] * v["T_ckpt"])),
    Quantity("wal", "WAL", "R * (B_wal + fpi)",
             "MB/s", 1e6, lambda v: v["R"] * (v["B_wal"] + v["fpi"])),
    Quantity("wal_day", "WAL per day", "wal * 1 day", "TB", 1e12, lambda v: v["wal"] * DAY_S),
    Quantity("max_wal", "max_wal_size per node, checkpoints every T_ckpt",
             f"{CHECKPOINT_SPREAD} * wal * T_ckpt / N", "GB", 1e9,
             lambda v: CHECKPOINT_SPREAD * v["wal"] * v["T_ckpt"] / v["N"]),
    Quantity("facts_day", "facts on disk per day", "R * B_fact * 1 day",
             "TB", 1e12, lambda v: v["R"] * v["B_fact"] * DAY_S),
    Quantity("aggr_day", "aggregates on disk per day, at most", "R * B_aggr * 1 day",
             "TB", 1e12, lambda v: v["R"] * v["B_aggr"] * DAY_S),
    Quantity("mem_dedup", "dedup index over D_facts, all in memory", "R * B_dedup * D_facts",
             "GB", 1e9, lambda v: v["R"] * v["B_dedup"] * v["D_facts"]),
    Quantity("cores_replica", "read-replica CPU for the queries", "Q_rate * Q_round / u",
             "cores", 1, lambda v: v["Q_rate"] * v["Q_round"] / v["u"]),
)  # fmt: skip


def evaluate(inputs: Values, rate: float) -> dict[str, float]:
    """Every quantity at `rate` events/s, in order (later ones use earlier ones)."""
    values = dict(inputs) | {"R": float(rate)}
    for quantity in QUANTITIES:
        values[quantity.symbol] = quantity.compute(values)
    return values


def shown(quantity: Quantity, value: float) -> str:
    """A derived value as the table shows it: whole numbers from 100 up, else two
    significant digits."""
    scaled = value / quantity.scale
    if quantity.unit == "" or abs(scaled) >= 100:
        return f"{scaled:,.0f}"
    if scaled == 0:
        return "0"
    digits = max(0, 1 - math.floor(math.log10(abs(scaled))))
    return f"{scaled:,.{digits}f}"


def worked(quantity: Quantity, inputs_as_written: Mapping[str, str], values: Values) -> str:
    """`symbol = formula = the formula with numbers = result unit`."""
    names = {**inputs_as_written, "R": f"{values['R']:,.0f}/s"}
    names |= {q.symbol: f"{shown(q, values[q.symbol])} {q.unit}".strip() for q in QUANTITIES}
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len)[::-1]) + r")\b")
    with_numbers = pattern.sub(lambda match: names[match.group(1)], quantity.formula)
    result = f"{shown(quantity, values[quantity.symbol])} {quantity.unit}".strip()
    return f"{quantity.symbol} = {quantity.formula} = {with_numbers} = {result}"
