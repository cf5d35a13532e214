"""The catalog contract: products, posts, authors and agents as records of the compacted
topic `activity.catalog`, which the consumer keeps as the dimensions `dim_product`,
`dim_post`, `dim_author` and `dim_agent`.

- **Key** `<entity_type>:<id>`, e.g. `product:p-1a2b3c4d5e`: compaction keeps the latest
  record of each entity, and every record of one entity lands on one partition. The key
  must name the entity its value describes (`key_mismatch` otherwise).
- **Value** a JSON object with `entity_type`, the entity's id field (`product_id`, ...), its
  attributes and `updated_at`, the time this version of the entity became true. Versions
  are ordered by `updated_at`, not by arrival: an older version that arrives late is kept
  in the history without displacing the current one, and the same (entity, `updated_at`)
  twice is one version (the first one stored wins).
- **Tombstone** a record with the key and no value deletes the entity from the time of the
  record's Kafka timestamp; a later version brings it back.
- The field types are the events' (`pulse/contract/types.py`): the same text, identifier,
  amount and RFC 3339 timestamp rules. `updated_at` may lie at most CLOCK_SKEW_SECONDS after
  the record's Kafka timestamp (`timestamp_in_future`), but any time before it.

`schema/catalog_record.schema.json` is generated from this module (`python -m
pulse.schema_export`), like the events' schema.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from pulse.contract.models import _Model
from pulse.contract.rules import TEXT_PATTERN, TIMESTAMP_PATTERN, RejectReason, _timestamp
from pulse.contract.types import (
    Currency,
    Identifier,
    Money,
    Name,
    SchemaVersion,
    ShortText,
    _string_schema,
    _text_schema,
)

MAX_TITLE_LENGTH = 300
MAX_TAGS = 32
KEY_SEPARATOR = ":"


class EntityType(StrEnum):
    PRODUCT = "product"
    POST = "post"
    AUTHOR = "author"
    AGENT = "agent"


def catalog_key(entity_type: EntityType | str, entity_id: str) -> bytes:
    """The record key of an entity: `<entity_type>:<id>`."""
    return f"{entity_type}{KEY_SEPARATOR}{entity_id}".encode()


def _renamed(error: PydanticCustomError, field: str) -> PydanticCustomError:
    # The shared timestamp rules name occurred_at, the events' field.
    return PydanticCustomError(error.type, error.message().replace("occurred_at", field))


def _updated_at(value: Any, info: ValidationInfo) -> datetime:
    """RFC 3339, and not after the window's clock-skew allowance: a version from the
    future would stay current until then and hide every real change before it."""
    try:
        moment = _timestamp(value)
    except PydanticCustomError as exc:
        raise _renamed(exc, "updated_at") from None
    context = info.context
    window = context.get("window") if type(context) is dict else None
    if window is not None and moment > window.latest:
        raise PydanticCustomError(
            RejectReason.TIMESTAMP_IN_FUTURE.value,
            "updated_at is further in the future than the clock-skew allowance ({skew})",
            {"skew": str(window.clock_skew)},
        )
    return moment


def _published_at(value: Any) -> datetime:
    try:
        return _timestamp(value)
    except PydanticCustomError as exc:
        raise _renamed(exc, "published_at") from None


_TIMESTAMP_SCHEMA = WithJsonSchema(
    _string_schema(pattern=TIMESTAMP_PATTERN, alphabet="0-9TZ:.+-", format="date-time")
)
UpdatedAt = Annotated[datetime, BeforeValidator(_updated_at), _TIMESTAMP_SCHEMA]
PublishedAt = Annotated[datetime, BeforeValidator(_published_at), _TIMESTAMP_SCHEMA]
Title = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TITLE_LENGTH, pattern=TEXT_PATTERN),
    WithJsonSchema(_text_schema(MAX_TITLE_LENGTH)),
]
Tags = Annotated[list[ShortText], Field(max_length=MAX_TAGS)]
Flag = Annotated[bool, Field(strict=True)]


class _CatalogRecord(_Model):
    schema_version: SchemaVersion
    updated_at: UpdatedAt


class ProductRecord(_CatalogRecord):
    entity_type: Literal["product"]
    product_id: Identifier
    name: Name
    category: ShortText
    unit_price: Money
    currency: Currency

    @property
    def entity_id(self) -> str:
        return self.product_id


class PostRecord(_CatalogRecord):
    """A post: what events call `content_id`, written by `author_id`."""

    entity_type: Literal["post"]
    post_id: Identifier
    title: Title
    tags: Tags
    promoted: Flag
    author_id: Identifier
    category: ShortText
    published_at: PublishedAt

    @property
    def entity_id(self) -> str:
        return self.post_id


class AuthorRecord(_CatalogRecord):
    entity_type: Literal["author"]
    author_id: Identifier
    name: Name
    home_category: ShortText

    @property
    def entity_id(self) -> str:
        return self.author_id


class AgentRecord(_CatalogRecord):
    """A support agent: what support_call events call `agent_id`."""

    entity_type: Literal["agent"]
    agent_id: Identifier
    name: Name
    team: ShortText

    @property
    def entity_id(self) -> str:
        return self.agent_id


CatalogRecord = Annotated[
    ProductRecord | PostRecord | AuthorRecord | AgentRecord,
    Field(discriminator="entity_type"),
]

CATALOG_ADAPTER: TypeAdapter[CatalogRecord] = TypeAdapter(CatalogRecord)
