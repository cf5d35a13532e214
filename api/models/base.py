"""What every answer model shares: rows are immutable, and the page envelope of lists."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

CENTS = Decimal("0.01")

# An exact amount, sent as a JSON string with two decimals ("0.00", "65888.04"): a JSON
# number would be read as a binary float by most clients.
Money = Annotated[
    Decimal,
    PlainSerializer(lambda amount: str(amount.quantize(CENTS)), return_type=str, when_used="json"),
]


class Row(BaseModel):
    """One row of a query's answer. Money is an exact decimal, sent as a JSON string
    ("65888.04"); ratios and averages are JSON numbers."""

    model_config = ConfigDict(frozen=True)


RowT = TypeVar("RowT", bound=Row)


class Page(BaseModel, Generic[RowT]):
    """One page of a list: `items`, and where the next page starts (null on the last)."""

    model_config = ConfigDict(frozen=True)

    items: list[RowT]
    limit: int = Field(description="Most items on this page, as asked")
    offset: int = Field(description="Items skipped before this page, as asked")
    next_offset: int | None = Field(description="The offset of the next page; null if none")
