"""What a PostgreSQL error means for the consumer, decided by SQLSTATE (never by message
text): wait and retry, blame one record, or stop because the deployment is wrong."""

from __future__ import annotations

from enum import Enum

import psycopg

from pulse.errors import PulseError


class Fault(Enum):
    TRANSIENT = "transient"  # the server is away, busy or conflicting: retry with back-off
    RECORD = "record"  # a value of some record is refused: isolate it, dead-letter it
    DEPLOYMENT = "deployment"  # rights, schema or disk: no retry helps, stop and say so


class DeploymentError(PulseError, RuntimeError):
    """PostgreSQL refuses every batch for a reason an operator must fix."""


# SQLSTATE classes (the first two characters) and single states.
_TRANSIENT_CLASSES = frozenset({"08", "40", "53", "57", "58"})
_RECORD_CLASSES = frozenset({"22", "23", "54"})
_DEPLOYMENT_STATES = frozenset({"53100"})  # disk_full: in class 53, but waiting won't help
_TRANSIENT_STATES = frozenset({"55P03"})  # lock_not_available

_ADVICE = {
    "42501": "grant the consumer's role the privileges of sql/migrations/050_writer_role.sql "
    "(run `python -m consumer migrate` with MIGRATIONS_DATABASE_URL)",
    "42P01": "the schema is missing or older than this consumer: run `python -m consumer migrate`",
    "42703": "the schema is older than this consumer: run `python -m consumer migrate`",
    "53100": "the database's disk is full: free space or grow the volume, then restart",
    "3D000": "the database does not exist: check DATABASE_URL",
}


def classify(exc: psycopg.Error) -> Fault:
    state = exc.sqlstate
    if state is None:  # no answer at all: the connection broke
        return Fault.TRANSIENT
    if state in _DEPLOYMENT_STATES:
        return Fault.DEPLOYMENT
    if state in _TRANSIENT_STATES or state[:2] in _TRANSIENT_CLASSES:
        return Fault.TRANSIENT
    if state[:2] in _RECORD_CLASSES:
        return Fault.RECORD
    return Fault.DEPLOYMENT


def deployment_error(exc: psycopg.Error) -> DeploymentError:
    state = exc.sqlstate or "?"
    advice = _ADVICE.get(state, "fix the database's configuration, then restart the consumer")
    return DeploymentError(
        f"PostgreSQL refuses every batch: {primary_message(exc)} (SQLSTATE {state}). "
        f"No record is at fault: {advice}."
    )


def primary_message(exc: psycopg.Error) -> str:
    lines = str(exc).strip().splitlines()
    return exc.diag.message_primary or (lines[0] if lines else type(exc).__name__)
