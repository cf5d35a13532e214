"""`migrate` keeps `sql/views/` applied: a changed view file is re-created with its readers
and its grants on the next run and never otherwise, two runs at once apply it once, and a
database migrated before views had files ends exactly like a fresh one."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from consumer.store.migrations import (
    MIGRATIONS_DIR,
    MigrationError,
    ensure_current,
    migrate,
    pending,
)
from consumer.store.views import VIEWS_DIR, ViewError
from tests.databases import as_role, scratch_database
from tests.integration.harness import REPO
from tests.integration.test_database_roles import CONSUMER_ROLE_URL, READER_ROLE_URL

pytestmark = pytest.mark.integration

# The last commit whose migrations created the views themselves (020, 021, 022, 041, 042,
# and 070's grants): the schema every database migrated before sql/views/ existed is at.
BEFORE_VIEW_FILES = "e58d68576b9e189befea4a6807a9dffe75d4ef6d"
ENGAGEMENT = "activity/user_engagement.sql"
STATS = "content/post_engagement_stats.sql"


@pytest.fixture
def url(admin_database_url: str) -> Iterator[str]:
    with scratch_database(admin_database_url, "pulse_views") as scratch:
        yield scratch


@pytest.fixture
def views_dir(tmp_path: Path) -> Path:
    """A copy of sql/views/ that a test may edit."""
    return Path(shutil.copytree(VIEWS_DIR, tmp_path / "views"))


def _migrate(url: str, views_dir: Path, migrations_dir: Path = MIGRATIONS_DIR) -> list[str]:
    with psycopg.connect(url) as conn:
        return migrate(conn, migrations_dir=migrations_dir, views_dir=views_dir)


def _pending(url: str, views_dir: Path) -> list[str]:
    with psycopg.connect(url) as conn:
        return pending(conn, views_dir=views_dir)


def _add_column(views_dir: Path, path: str, after: str, column: str) -> None:
    """Adds `column` to the final select of a view file, after the line `after`: a change
    of columns, which `create or replace view` could not make."""
    file = views_dir / path
    text = file.read_text()
    assert text.count(after) == 1, after
    file.write_text(text.replace(after, f"{after}\n        {column},"))


def _columns(url: str, relation: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select attname from pg_attribute where attrelid = %s::regclass and attnum > 0"
            " order by attnum",
            (relation,),
        ).fetchall()
    return [str(row[0]) for row in rows]


def _select_as_reader(url: str, relation: str) -> int:
    with psycopg.connect(as_role(url, READER_ROLE_URL)) as conn:
        row = conn.execute(
            sql.SQL("select count(*) from {}").format(sql.Identifier(relation))
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_a_changed_view_is_recreated_with_its_readers_and_grants_on_the_next_migrate_only(
    url: str, views_dir: Path
) -> None:
    _migrate(url, views_dir)
    assert _migrate(url, views_dir) == []  # nothing changed: nothing re-created

    _add_column(views_dir, ENGAGEMENT, "        user_id,", "action_count * 2 as doubled_actions")
    assert _pending(url, views_dir) == [f"views/{ENGAGEMENT}"]
    # top_users reads user_engagement: dropping it took top_users along, so both come back.
    assert _migrate(url, views_dir) == [f"views/{ENGAGEMENT}", "views/activity/top_users.sql"]
    assert "doubled_actions" in _columns(url, "user_engagement")
    assert _select_as_reader(url, "user_engagement") == 0
    assert _select_as_reader(url, "top_users") == 0
    assert _pending(url, views_dir) == []
    assert _migrate(url, views_dir) == []


def test_a_function_returning_a_changed_views_rows_is_recreated_and_callable(
    url: str, views_dir: Path
) -> None:
    _migrate(url, views_dir)
    _add_column(views_dir, STATS, "        items.published_at,", "items.views * 2 as doubled_views")
    applied = _migrate(url, views_dir)
    assert applied == [f"views/{STATS}", "views/content/post_engagement.sql"]
    with psycopg.connect(as_role(url, READER_ROLE_URL)) as conn:
        cursor = conn.execute("select * from post_engagement('no such post')")
        names = [column.name for column in cursor.description or []]
    assert "doubled_views" in names


def test_a_dropped_view_is_pending_and_comes_back(url: str, views_dir: Path) -> None:
    _migrate(url, views_dir)
    with psycopg.connect(url) as conn:
        conn.execute("drop view agent_conversion_drops")
    assert _pending(url, views_dir) == ["views/calls/agent_conversion_drops.sql"]
    assert _migrate(url, views_dir) == ["views/calls/agent_conversion_drops.sql"]
    assert _select_as_reader(url, "agent_conversion_drops") == 0


def test_a_view_whose_file_is_gone_is_dropped(url: str, views_dir: Path) -> None:
    _migrate(url, views_dir)
    (views_dir / "calls/agent_conversion_drops.sql").unlink()
    assert _pending(url, views_dir) == ["views: drop agent_conversion_drops"]
    assert _migrate(url, views_dir) == []
    with psycopg.connect(url) as conn:
        left = conn.execute("select to_regclass('agent_conversion_drops')").fetchone()
        recorded = conn.execute(
            "select count(*) from schema_views where name = 'agent_conversion_drops'"
        ).fetchone()
    assert (left, recorded) == ((None,), (0,))
    assert _pending(url, views_dir) == []


def test_a_view_postgresql_refuses_names_its_file_and_changes_nothing(
    url: str, views_dir: Path
) -> None:
    _migrate(url, views_dir)
    _add_column(views_dir, ENGAGEMENT, "        user_id,", "no_such_column")
    with pytest.raises(ViewError, match=re.escape(f"views/{ENGAGEMENT}: PostgreSQL refused it")):
        _migrate(url, views_dir)
    # Rolled back: the old view and its reader are still there, and still pending.
    assert "no_such_column" not in _columns(url, "user_engagement")
    assert _select_as_reader(url, "top_users") == 0
    assert _pending(url, views_dir) == [f"views/{ENGAGEMENT}"]


def test_an_object_outside_the_folder_that_reads_a_changed_view_stops_migrate_by_name(
    url: str, views_dir: Path
) -> None:
    _migrate(url, views_dir)
    with psycopg.connect(url) as conn:
        conn.execute("create view my_top_users as select * from top_users")
    _add_column(views_dir, ENGAGEMENT, "        user_id,", "action_count * 2 as doubled_actions")
    with pytest.raises(ViewError, match="view my_top_users depends on view top_users"):
        _migrate(url, views_dir)
    assert _columns(url, "my_top_users")  # not dropped behind the user's back


def test_the_consumer_role_finds_a_changed_view_pending_and_is_told_to_migrate(
    url: str, views_dir: Path
) -> None:
    _migrate(url, views_dir)
    _add_column(views_dir, ENGAGEMENT, "        user_id,", "action_count * 2 as doubled_actions")
    with psycopg.connect(as_role(url, CONSUMER_ROLE_URL)) as conn:
        assert pending(conn, views_dir=views_dir) == [f"views/{ENGAGEMENT}"]
        with pytest.raises(MigrationError, match=r"run `python -m consumer migrate`"):
            ensure_current(conn, views_dir=views_dir)
    assert "doubled_actions" not in _columns(url, "user_engagement")


def test_two_migrates_at_once_apply_each_view_once(url: str, views_dir: Path) -> None:
    _migrate(url, views_dir)
    _add_column(views_dir, ENGAGEMENT, "        user_id,", "action_count * 2 as doubled_actions")
    start = threading.Barrier(2)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with psycopg.connect(url) as conn:
                start.wait(timeout=30)
                results.append(migrate(conn, views_dir=views_dir))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    # The advisory lock lets one run first; the other then finds the ledger current.
    assert sorted(results) == [[], [f"views/{ENGAGEMENT}", "views/activity/top_users.sql"]]


def _git_show(path: str) -> str:
    _require_history()
    result = subprocess.run(
        ["git", "show", f"{BEFORE_VIEW_FILES}:{path}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{path} at {BEFORE_VIEW_FILES}: {result.stderr}"
    return result.stdout


def _require_history() -> None:
    if not (REPO / ".git").exists():
        pytest.skip("needs a git checkout: the old migrations are read from the history")
    known = subprocess.run(
        ["git", "cat-file", "-e", f"{BEFORE_VIEW_FILES}^{{commit}}"],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    if known.returncode != 0:
        pytest.skip(f"a shallow clone: commit {BEFORE_VIEW_FILES[:7]} is not in this history")


def _migrations_before_view_files(directory: Path) -> Path:
    _require_history()
    directory.mkdir()
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{BEFORE_VIEW_FILES}:sql/migrations"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    for name in listing.stdout.split():
        (directory / name).write_text(_git_show(f"sql/migrations/{name}"), encoding="utf-8")
    return directory


def _schema(url: str) -> dict[str, object]:
    """What a reader of the schema sees: every view's and function's definition, every
    relation's columns and privileges, and the views' ledger."""
    with psycopg.connect(url) as conn:
        return {
            "views": conn.execute(
                "select viewname, definition from pg_views where schemaname = 'public' order by 1"
            ).fetchall(),
            "functions": conn.execute(
                "select proname, pg_get_functiondef(p.oid) from pg_proc as p"
                " inner join pg_namespace as n on p.pronamespace = n.oid"
                " where n.nspname = 'public' order by 1"
            ).fetchall(),
            "columns": conn.execute(
                "select table_name, ordinal_position, column_name, data_type,"
                " numeric_precision, numeric_scale, is_nullable, column_default"
                " from information_schema.columns where table_schema = 'public' order by 1, 2"
            ).fetchall(),
            "privileges": conn.execute(
                "select c.relname, c.relkind, c.relacl::text from pg_class as c"
                " inner join pg_namespace as n on c.relnamespace = n.oid"
                " where n.nspname = 'public' order by 1"
            ).fetchall(),
            "ledger": conn.execute(
                "select name, kind, path, checksum from schema_views order by 1"
            ).fetchall(),
        }


def test_a_database_migrated_before_view_files_ends_like_a_fresh_one(
    admin_database_url: str, tmp_path: Path
) -> None:
    old_migrations = _migrations_before_view_files(tmp_path / "migrations")
    no_views = tmp_path / "no_views"
    no_views.mkdir()
    with (
        scratch_database(admin_database_url, "pulse_fresh") as fresh,
        scratch_database(admin_database_url, "pulse_upgraded") as upgraded,
    ):
        # The old migrations create the views themselves, as every database before had them.
        applied = _migrate(upgraded, no_views, migrations_dir=old_migrations)
        assert "020_views.sql" in applied
        assert _select_as_reader(upgraded, "top_pages") == 0
        with psycopg.connect(upgraded) as conn:
            stale = pending(conn)
        assert stale[0] == "080_view_ledger.sql"
        assert f"views/{STATS}" in stale

        # The rewritten 020, 021, 022, 041, 042 and 070 are accepted (they declare the old
        # texts' checksums); 080 and every view file are applied.
        upgrade = _migrate(upgraded, VIEWS_DIR)
        assert upgrade == stale
        _migrate(fresh, VIEWS_DIR)

        assert _schema(upgraded) == _schema(fresh)
        assert _migrate(upgraded, VIEWS_DIR) == []


def test_an_applied_migration_edited_without_declaring_its_old_checksum_is_refused(
    url: str, tmp_path: Path, views_dir: Path
) -> None:
    migrations = Path(shutil.copytree(MIGRATIONS_DIR, tmp_path / "migrations"))
    _migrate(url, views_dir, migrations_dir=migrations)
    edited = migrations / "080_view_ledger.sql"
    edited.write_text(edited.read_text() + "\n-- an afterthought\n")
    with pytest.raises(MigrationError, match=r"080_view_ledger\.sql changed after it was applied"):
        _migrate(url, views_dir, migrations_dir=migrations)
