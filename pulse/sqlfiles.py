"""Reads the SQL that lives in `sql/` as files, once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path

SQL_ROOT = Path(__file__).resolve().parent.parent / "sql"


@cache
def load_sql(name: str) -> str:
    """The text of `sql/<name>.sql`, e.g. `load_sql("consumer/insert_facts")`."""
    return (SQL_ROOT / f"{name}.sql").read_text(encoding="utf-8")
