"""Bounded limits and offset pagination for the list endpoints, and the dependencies that
hand each route its database and settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query, Request

from api.database import Database
from api.models.base import Page, RowT

MAX_LIMIT = 1_000
# Top-N queries compute the leaders up to offset + limit: the offset is bounded too.
MAX_OFFSET = 100_000


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int

    @property
    def fetch(self) -> int:
        """Rows a top-N query must return for this page, plus one to know if more exist."""
        return self.offset + self.limit + 1


def paging(default_limit: int) -> Callable[..., Awaitable[Paging]]:
    """A dependency reading `limit` (1..MAX_LIMIT, default `default_limit`) and `offset`.
    Async like every dependency here: FastAPI runs a plain `def` on a worker thread."""

    async def dependency(
        limit: Annotated[
            int, Query(ge=1, le=MAX_LIMIT, description="Most items in the answer (a page)")
        ] = default_limit,
        offset: Annotated[
            int, Query(ge=0, le=MAX_OFFSET, description="Items to skip (a page's next_offset)")
        ] = 0,
    ) -> Paging:
        return Paging(limit, offset)

    return dependency


def page_of(
    rows: Sequence[dict[str, Any]], model: type[RowT], paging: Paging, *, paged_in_sql: bool = False
) -> Page[RowT]:
    """The page that `paging` asks for, from `rows`: every row from the first (a top-N
    query run with `paging.fetch`, or a whole answer), or, `paged_in_sql`, the rows from
    the offset on (a query run with limit + 1 and the offset)."""
    start = 0 if paged_in_sql else paging.offset
    end = start + paging.limit
    items = [model.model_validate(row) for row in rows[start:end]]
    return Page[model](  # type: ignore[valid-type]
        items=items,
        limit=paging.limit,
        offset=paging.offset,
        next_offset=paging.offset + paging.limit if len(rows) > end else None,
    )


async def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db
