"""`python -m producer`: parses the flags (defaults from the one settings object) and
runs the simulator against Kafka, printing a summary table at the end."""

from __future__ import annotations

import argparse
import logging
import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from producer.app import ClockChoice, Run, build_run
from producer.publisher import COMPRESSIONS, MAX_BATCH_BYTES, MAX_LINGER_MS
from producer.records import EXPECTED_REASON, Defect
from pulse.cli_help import setting_option, utc_moment
from pulse.errors import ConfigError, PulseError
from pulse.settings import Settings, load_settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _int_between(low: int, high: int) -> Callable[[str], int]:
    """An argparse type for whole numbers in [low, high] (the producer's client limits)."""

    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return value

    parse.__name__ = "int"  # argparse names the type in its message: "invalid int value"
    return parse


def _ratio(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m producer",
        description="Simulate user activity and publish it to Kafka as Pulse events. "
        "Defaults come from the environment (KAFKA_BOOTSTRAP_SERVERS, KAFKA_TOPIC, ...).",
    )
    stop = parser.add_mutually_exclusive_group()
    stop.add_argument("--count", type=_positive_int, metavar="N", help="records to send, then stop")
    stop.add_argument("--duration", type=float, metavar="SECONDS", help="run this long")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="records per second; 0 = as fast as Kafka takes them (default)",
    )
    parser.add_argument(
        "--seed", type=int, metavar="N", help="same seed, same events (default: random)"
    )
    parser.add_argument(
        "--population-seed",
        type=int,
        default=1,
        help="seed of users, content and products (default 1)",
    )
    parser.add_argument(
        "--users",
        type=_positive_int,
        default=10_000,
        metavar="N",
        help="size of the simulated population (default 10000)",
    )
    parser.add_argument("--topic", metavar="NAME", help="default: KAFKA_TOPIC or activity.events")
    parser.add_argument(
        "--catalog-topic",
        metavar="NAME",
        help="compacted topic the catalog (products, posts, authors, agents) is published to "
        "at start and on change; default: KAFKA_CATALOG_TOPIC or activity.catalog",
    )
    parser.add_argument(
        "--no-catalog", action="store_true", help="publish the events only, not the catalog"
    )
    parser.add_argument(
        "--bootstrap-servers", metavar="HOST:PORT", help="default: KAFKA_BOOTSTRAP_SERVERS"
    )
    parser.add_argument(
        "--partitions",
        type=_positive_int,
        default=3,
        help="partitions of the topic if it has to be created (default 3)",
    )
    parser.add_argument("--replication-factor", type=_positive_int, default=1, metavar="N")
    clock = parser.add_mutually_exclusive_group()
    clock.add_argument(
        "--live", action="store_true", help="events happen now (the default unless --start/--days)"
    )
    clock.add_argument(
        "--start", type=utc_moment, metavar="DATE", help="simulated clock: first day (UTC)"
    )
    parser.add_argument(
        "--days", type=float, help="simulated clock: length of the period (default: up to now)"
    )
    parser.add_argument(
        "--truth",
        type=Path,
        metavar="FILE",
        help="write one JSON line of ground truth per record sent",
    )
    tuning = parser.add_argument_group("Kafka tuning")
    tuning.add_argument(
        "--compression",
        choices=COMPRESSIONS,
        default="auto",
        help="auto = lz4",
    )
    tuning.add_argument(
        "--linger-ms",
        type=_int_between(0, MAX_LINGER_MS),
        default=20,
        metavar="MS",
        help="how long a batch waits for more records before it is sent (default 20)",
    )
    tuning.add_argument(
        "--connect-timeout-ms",
        type=_positive_int,
        default=10_000,
        help="how long to try reaching Kafka before giving up (default 10000)",
    )
    tuning.add_argument(
        "--batch-size",
        type=_int_between(1, MAX_BATCH_BYTES),
        default=256 * 1024,
        help="bytes per partition batch",
    )
    limits = parser.add_argument_group("validation limits (defaults from the settings)")
    setting_option(limits, "--max-event-bytes", "max_event_bytes", type=int, metavar="BYTES")
    setting_option(limits, "--late-horizon-days", "late_horizon_days", type=float, metavar="DAYS")
    setting_option(
        limits, "--clock-skew-seconds", "clock_skew_seconds", type=float, metavar="SECONDS"
    )
    faults = parser.add_argument_group("fault injection (ratios per valid event, all 0 by default)")
    faults.add_argument(
        "--defects-ratio",
        type=_ratio,
        default=0.0,
        metavar="RATIO",
        help="default ratio of every defect kind below",
    )
    for defect in Defect:
        faults.add_argument(
            f"--{defect.value.replace('_', '-')}-ratio",
            type=_ratio,
            dest=f"ratio_{defect.value}",
            metavar="RATIO",
            help=f"rejected as {EXPECTED_REASON[defect].value}",
        )
    faults.add_argument(
        "--duplicate-ratio",
        type=_ratio,
        default=0.0,
        metavar="RATIO",
        help="exact re-sends (same event_id, same bytes)",
    )
    faults.add_argument(
        "--late-ratio",
        type=_ratio,
        default=0.0,
        metavar="RATIO",
        help="valid events held back and sent out of order",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _defect_ratio(args: argparse.Namespace, defect: Defect) -> float:
    ratio: float | None = getattr(args, f"ratio_{defect.value}")
    return args.defects_ratio if ratio is None else ratio  # an explicit 0 turns one kind off


def _clock_choice(args: argparse.Namespace) -> ClockChoice:
    if args.live and args.days is not None:
        raise ConfigError("--live and --days exclude each other: pick one clock.")
    if args.start is None and args.days is None:
        return ClockChoice(live=True)
    return ClockChoice(live=False, start=args.start, days=args.days)


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        kafka_bootstrap_servers=args.bootstrap_servers,
        kafka_topic=args.topic,
        kafka_catalog_topic=args.catalog_topic,
        max_event_bytes=args.max_event_bytes,
        late_horizon_days=args.late_horizon_days,
        clock_skew_seconds=args.clock_skew_seconds,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
        logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
        # kafka-python logs every reconnect attempt; its failures reach us as exceptions.
        logging.getLogger("kafka").setLevel(logging.CRITICAL)
        defects = {d: _defect_ratio(args, d) for d in Defect}
        seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
        run: Run = build_run(
            settings=settings,
            clock=_clock_choice(args),
            seed=seed,
            population_seed=args.population_seed,
            users=args.users,
            count=args.count,
            duration_s=args.duration,
            rate=args.rate,
            defects=defects,
            duplicate=args.duplicate_ratio,
            late=args.late_ratio,
            partitions=args.partitions,
            replication_factor=args.replication_factor,
            compression=args.compression,
            linger_ms=args.linger_ms,
            batch_size=args.batch_size,
            connect_timeout_ms=args.connect_timeout_ms,
            catalog=not args.no_catalog,
        )
        summary = run.execute(
            truth_path=args.truth, progress=not args.no_progress and sys.stderr.isatty()
        )
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PulseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted twice: stopped without waiting for acknowledgements", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(summary.render())
    return EXIT_FAILED if summary.failed or summary.catalog_failed else EXIT_OK
