"""Static checks of the aggregate SQL (what each batch statement may read, the order it
locks rows in), of the reconcile coverage, of the example queries, and of the reconcile
report and exit code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from consumer import cli
from consumer.store.aggregates import AGGREGATES_DIR, aggregate_statements
from consumer.store.migrations import MIGRATIONS_DIR
from consumer.store.reconcile import RECONCILE_DIR, Drift, format_report, reconciled_aggregates
from pulse.sqlfiles import SQL_ROOT, load_sql

QUERIES_DIR = SQL_ROOT / "queries"
_CREATE_TABLE = re.compile(r"^create table (\w+)", re.MULTILINE)
_READS = re.compile(r"\b(?:from|join)\s+(\w+)", re.IGNORECASE)


def _aggregate_tables() -> set[str]:
    """The tables the aggregate migrations create (other features number theirs too); the
    rollups of issue 17 are 130-139."""
    tables: set[str] = set()
    migrations = ("011_aggregate_tables.sql", "012_user_history.sql", "040_support_calls.sql")
    paths = [MIGRATIONS_DIR / name for name in (*migrations, "090_dim_date.sql")]
    for path in [*paths, *sorted(MIGRATIONS_DIR.glob("13[0-9]_*.sql"))]:
        tables.update(_CREATE_TABLE.findall(path.read_text(encoding="utf-8")))
    return tables


def _statement(name: str) -> str:
    """The SQL of `sql/<name>.sql` without its comments."""
    return "\n".join(line.split("--")[0] for line in load_sql(name).splitlines())


def test_every_aggregate_table_is_maintained_and_reconciled() -> None:
    tables = _aggregate_tables()
    assert set(reconciled_aggregates()) == tables
    targets = {
        match
        for name in aggregate_statements()
        for match in re.findall(r"insert into (\w+)", _statement(name))
    }
    assert targets - {"touched_content_items"} == tables  # that one is the batch's staging


@pytest.mark.parametrize("name", aggregate_statements())
def test_batch_statements_read_only_the_new_facts(name: str) -> None:
    """Aggregates are computed from the rows this transaction inserted; only the users
    dimension reads stored events (the tail of a user's history that it rebuilds)."""
    text = re.sub(r"extract\(\w+ from|distinct from", "", _statement(name))
    reads = set(_READS.findall(text))
    sources = {"inserted_events", "event_types", "user_history"}
    # The enriched calls: staged for this batch (`incoming_calls`) and, once stored, read
    # back joined to `inserted_events` by the call aggregates.
    sources |= {"incoming_calls", "support_calls"}
    if name.endswith("user_history"):
        # ...from the retained facts only (FACTS_RETENTION_DAYS: migration 120).
        sources |= {"events", "facts_retention"}
    # The calendar reads its own two ends to insert only the days beyond them.
    if name.endswith("dim_date"):
        sources.add("dim_date")
    # A rollup whose rows a late event can move (not just add to) reads its own stored
    # rows: the user's days around a late one, the counts that fell to 0.
    sources |= set(re.findall(r"(?:insert into|delete from) (\w+)", text))
    # Retention finds a user's new weeks in the weekly counts and a moved user's weeks in
    # their active days, both written earlier in the same transaction.
    if name.endswith("weekly_cohort_activity"):
        sources |= {"user_weekly_activity", "user_active_days", "unnest"}
    # The content leaderboard re-ranks a category a page left from all its items.
    if name.endswith("content_leaders"):
        sources.add("content_items")
    # The content items the batch updated, as 060 staged them for the later statements.
    sources.add("touched_content_items")
    ctes = set(re.findall(r"^(\w+) as \(", text, re.MULTILINE))
    assert reads - ctes - sources - {"lateral"} == set(), reads
    assert reads & {"inserted_events", "touched_content_items"}


@pytest.mark.parametrize("name", aggregate_statements())
def test_batch_statements_upsert_in_key_order(name: str) -> None:
    """Two consumers upserting the same rows lock them in the same order: no deadlock."""
    text = _statement(name)
    for insert in re.finditer(r"insert into (\w+)[^;]*?;", text, re.DOTALL):
        body = insert.group(0)
        assert "order by" in body.split("on conflict")[0].split("select", 1)[-1], insert.group(1)
        assert "on conflict" in body, insert.group(1)


def test_statements_run_in_file_name_order_with_the_locking_one_first() -> None:
    names = list(aggregate_statements())
    assert names == sorted(names)
    assert names[0].endswith("user_activity")
    assert names[1].endswith("user_history")
    files = [path for path in AGGREGATES_DIR.iterdir() if not path.name.startswith(".")]
    assert len(files) == len(names)


def test_the_content_leaderboard_has_one_size() -> None:
    """The pages kept per category are written in each file that needs the number."""
    files = [
        MIGRATIONS_DIR / "135_content_leaders.sql",
        AGGREGATES_DIR / "199_content_leaders.sql",
        RECONCILE_DIR / "content_leaders.sql",
        QUERIES_DIR / "top_pages.sql",
    ]
    sizes = {
        path.name: re.findall(r"(\d+) as pages_per_category", path.read_text(encoding="utf-8"))
        for path in files
    }
    assert all(len(found) == 1 for found in sizes.values()), sizes
    assert len({found[0] for found in sizes.values()}) == 1, sizes


def test_time_buckets_are_utc() -> None:
    for name in [*aggregate_statements(), *(f"reconcile/{n}" for n in reconciled_aggregates())]:
        text = _statement(name)
        for match in re.findall(r"date_trunc\([^)]*\)", text):
            assert "'UTC'" in match or "at time zone 'UTC'" in match, (name, match)
        assert "::date" not in text.replace("at time zone 'UTC')::date", ""), name


@pytest.mark.parametrize("path", sorted(QUERIES_DIR.glob("*.sql")), ids=lambda p: p.stem)
def test_example_queries_are_documented_and_take_named_parameters(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("-- "), "open with a comment saying what the query answers"
    assert "%s" not in text, "use named parameters: %(name)s"
    if "%(" in text:
        assert "Parameters:" in text, "say which parameters the query takes"


def test_reconcile_files_return_drift_both_ways() -> None:
    for path in RECONCILE_DIR.glob("*.sql"):
        text = path.read_text(encoding="utf-8")
        assert "stored only" in text, path.name
        assert "recomputed only" in text, path.name
        assert text.count("except") == 2, path.name


def test_report_lists_every_aggregate_and_the_drifting_rows() -> None:
    report = format_report(
        [
            Drift("daily_sales", 12, 0, ()),
            Drift("user_history", 40, 2, (("stored only", "u1", None), ("recomputed only",))),
        ]
    )
    lines = report.splitlines()
    assert lines[0].split() == ["aggregate", "rows", "drift"]
    assert lines[2].split() == ["daily_sales", "12", "0"]
    assert lines[3].split() == ["user_history", "40", "2"]
    assert "  stored only | u1 | null" in lines
    assert lines[-1] == "2 drifting rows in 1 aggregates"


def test_report_says_when_everything_matches() -> None:
    report = format_report([Drift("daily_sales", 3, 0, ())])
    assert report.splitlines()[-1] == "all aggregates match the facts"


def test_cli_has_a_reconcile_command() -> None:
    args = cli.build_parser().parse_args(["reconcile", "--database-url", "x", "--examples", "2"])
    assert args.command == "reconcile"
    assert args.reconcile_examples == 2
