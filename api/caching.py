"""HTTP caching of the API's answers: a strong ETag (the body's hash) with a short
Cache-Control max-age, and 304 Not Modified when the client already holds the body."""

from __future__ import annotations

import hashlib

from fastapi import Request, Response
from pydantic import BaseModel


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison, as If-None-Match asks: W/ prefixes are ignored."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    tags = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return etag in tags


def cached_json(request: Request, answer: BaseModel) -> Response:
    """`answer` as JSON with its ETag and Cache-Control, or an empty 304 when the request's
    If-None-Match holds that ETag. The aggregates change with every batch, so the max-age
    is short (API_CACHE_MAX_AGE_S); the ETag lets a client revalidate for free."""
    body = answer.model_dump_json().encode()
    max_age = request.app.state.settings.api_cache_max_age_s
    headers = {"ETag": etag_of(body), "Cache-Control": f"public, max-age={max_age}"}
    if etag_matches(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
