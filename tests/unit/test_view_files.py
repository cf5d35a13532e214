"""The files of `sql/views/`: one object each, named after it, found in an order where every
object comes after what it reads; and the migrations that once created them."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from consumer.store.migrations import MIGRATIONS_DIR, discover
from consumer.store.views import ObjectKind, ViewError, discover_views

VIEW = "-- {name}\ncreate view {name} as\nselect {body};\n"


def _write(directory: Path, path: str, text: str) -> None:
    (directory / path).parent.mkdir(parents=True, exist_ok=True)
    (directory / path).write_text(text)


def test_every_object_comes_after_the_objects_it_reads() -> None:
    views = discover_views()
    position = {view.name: index for index, view in enumerate(views)}
    assert len(views) == len({view.path for view in views}) == 41
    for view in views:
        assert all(position[read] < position[view.name] for read in view.depends_on), view.name
    assert {"user_engagement"} <= views[position["top_users"]].depends_on
    assert views[position["post_engagement"]].depends_on == {"post_engagement_stats"}
    assert views[position["post_engagement"]].kind is ObjectKind.FUNCTION
    # The content rankings call the function that says what a product page is.
    for reader in ("top_pages", "category_stats", "top_authors_90d", "author_opportunities"):
        assert "is_shop_category" in views[position[reader]].depends_on, reader
    # agent_conversion_drops reads agent_conversion_changes, which reads agent_names.
    assert views[position["agent_conversion_drops"]].depends_on == {"agent_conversion_changes"}


def test_the_order_is_the_same_whatever_the_files_were_written_in(tmp_path: Path) -> None:
    for index, name in enumerate(["c", "a", "b"]):
        _write(tmp_path, f"d{index}/{name}.sql", VIEW.format(name=name, body="1"))
    _write(tmp_path, "z/first.sql", VIEW.format(name="first", body="1"))
    _write(tmp_path, "a/second.sql", VIEW.format(name="second", body="* from first"))
    names = [view.name for view in discover_views(tmp_path)]
    # Ready objects are taken by path; `second` waits for `first`.
    assert names == ["c", "a", "b", "first", "second"]


def test_a_name_in_a_comment_is_no_dependency(tmp_path: Path) -> None:
    _write(tmp_path, "d/one.sql", "-- reads nothing, unlike two\ncreate view one as select 1;\n")
    _write(tmp_path, "d/two.sql", VIEW.format(name="two", body="* from one"))
    (one, two) = discover_views(tmp_path)
    assert (one.depends_on, two.depends_on) == (frozenset(), frozenset({"one"}))


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("stray.sql", VIEW.format(name="stray", body="1"), "live in a domain folder"),
        ("d/Bad-Name.sql", VIEW.format(name="x", body="1"), "named lower_snake.sql"),
        ("d/other.sql", VIEW.format(name="named", body="1"), "name the file after its object"),
        ("d/table.sql", "create table table (id int);\n", "starts, after its comments"),
        ("d/rep.sql", "create or replace view rep as select 1;\n", "starts, after its comments"),
    ],
)
def test_malformed_view_files_are_refused_by_name(
    tmp_path: Path, path: str, text: str, message: str
) -> None:
    _write(tmp_path, path, text)
    with pytest.raises(ViewError, match=message):
        discover_views(tmp_path)


def test_two_files_creating_one_object_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a/same.sql", VIEW.format(name="same", body="1"))
    _write(tmp_path, "b/same.sql", VIEW.format(name="same", body="2"))
    with pytest.raises(ViewError, match=r"b/same\.sql and a/same\.sql both create same"):
        discover_views(tmp_path)


def test_views_reading_each_other_in_a_cycle_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, "d/one.sql", VIEW.format(name="one", body="* from two"))
    _write(tmp_path, "d/two.sql", VIEW.format(name="two", body="* from one"))
    _write(tmp_path, "d/free.sql", VIEW.format(name="free", body="1"))
    with pytest.raises(ViewError, match="in a cycle: one, two"):
        discover_views(tmp_path)


def test_no_numbered_migration_creates_a_view_or_function() -> None:
    """Views are defined once, in sql/views/; a migration that redefined one would be
    undone by the next migrate."""
    statement = re.compile(r"^\s*create (or replace )?(view|function)\b", re.I | re.M)
    # 061's generic restore of the views of its day builds its statements as strings.
    assert [m.name for m in discover() if statement.search(m.text)] == []


def test_a_migration_accepts_only_the_earlier_checksums_it_declares(tmp_path: Path) -> None:
    shutil.copy(MIGRATIONS_DIR / "020_views.sql", tmp_path / "020_views.sql")
    (migration,) = discover(tmp_path)
    declared = "b1a746a64829ae2022fe40cc231fdfde2c1fcdfbcf5a7ae6bcc8411f832a6620"
    assert migration.accepted_checksums == {migration.checksum, declared}
    (tmp_path / "001_plain.sql").write_text("select 1;\n")
    plain = discover(tmp_path)[0]
    assert plain.accepted_checksums == {hashlib.sha256(b"select 1;\n").hexdigest()}
