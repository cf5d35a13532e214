"""The local PostgreSQL 15: Debian's package and cluster (pg_ctlcluster), the Pulse roles
(the owner of MIGRATIONS_DATABASE_URL, the least-privileged consumer of DATABASE_URL, the
read-only role of READER_DATABASE_URL) and database, and a marker so `down` only stops a
server the stack started."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from pulse.errors import ConfigError
from stack import apt, console
from stack.config import DatabaseTarget
from stack.errors import MissingToolError, PortInUseError, StartError
from stack.paths import POSTGRES_CLUSTER, POSTGRES_MAJOR, Layout
from stack.ports import describe_port_holder, is_listening
from stack.postgres_tuning import ServerTuning, write_conf
from stack.process import read_pid, remove_file, run, tail, wait_until
from stack.service import ServiceStatus, State

NAME = "postgres"
SERVER_BIN = Path(f"/usr/lib/postgresql/{POSTGRES_MAJOR}/bin/postgres")
READY_TIMEOUT_S = 30.0
_CLUSTER = [POSTGRES_MAJOR, POSTGRES_CLUSTER]
_STARTED_ELSEWHERE = "started outside the stack"
_NOT_OURS_NOTE = f"{_STARTED_ELSEWHERE}; `down` leaves it running"
_DEBIAN_CONFIG_DIR = Path("/etc/postgresql") / POSTGRES_MAJOR / POSTGRES_CLUSTER

# Role and database are created through psql variables, quoted by psql (:'name') and by
# format(%I, %L): no value is pasted into SQL text. The password arrives through the
# environment (\getenv), so it never shows in `ps`.
_PROVISION_SQL = r"""
\set ON_ERROR_STOP on
\getenv password PULSE_STACK_DB_PASSWORD
select format('create role %I', :'role')
where not exists (select from pg_roles where rolname = :'role') \gexec
select format('alter role %I with login createdb password %L', :'role', :'password') \gexec
select format('create database %I owner %I', :'dbname', :'role')
where not exists (select from pg_database where datname = :'dbname') \gexec
"""
# The consumer's login role: a member of the group role that migration 050 grants table
# reads and writes to, and nothing more (no CREATEDB, owns nothing).
_PROVISION_CONSUMER_SQL = r"""
\set ON_ERROR_STOP on
\getenv consumer_password PULSE_STACK_CONSUMER_PASSWORD
select format('create role %I nologin', :'writer')
where not exists (select from pg_roles where rolname = :'writer') \gexec
select format('create role %I', :'consumer')
where not exists (select from pg_roles where rolname = :'consumer') \gexec
select format(
    'alter role %I with login nocreatedb nocreaterole nosuperuser password %L',
    :'consumer', :'consumer_password'
) \gexec
select format('grant %I to %I', :'writer', :'consumer') \gexec
"""
# The read-only role: migration 070 grants it SELECT on the analytics; here it only gets
# its login and password (never CREATEDB, never a member of a writing role).
_PROVISION_READER_SQL = r"""
\set ON_ERROR_STOP on
\getenv reader_password PULSE_STACK_READER_PASSWORD
select format('create role %I', :'reader')
where not exists (select from pg_roles where rolname = :'reader') \gexec
select format(
    'alter role %I with login nocreatedb nocreaterole nosuperuser password %L',
    :'reader', :'reader_password'
) \gexec
"""
WRITER_ROLE = "pulse_writer"  # named in sql/migrations/050_writer_role.sql
READER_ROLE = "pulse_reader"  # named in sql/migrations/070_reader_role.sql


@dataclass(frozen=True)
class Cluster:
    """What pg_lsclusters says about the 15/main cluster."""

    running: bool
    port: int
    pgdata: Path
    logfile: Path
    pid_file: Path
    config_dir: Path  # /etc/postgresql/15/main: postgresql.conf and its conf.d


def parse_clusters(text: str) -> Cluster | None:
    """The 15/main entry of `pg_lsclusters --json`, or None when there is none."""
    for entry in json.loads(text or "[]"):
        if str(entry.get("version")) == POSTGRES_MAJOR and entry.get("cluster") == (
            POSTGRES_CLUSTER
        ):
            pgdata = Path(str(entry.get("pgdata", "")))
            config = entry.get("config") or {}
            hba_file = config.get("hba_file")
            return Cluster(
                running=bool(entry.get("running")),
                port=int(entry.get("port", 5432)),
                pgdata=pgdata,
                logfile=Path(str(entry.get("logfile") or "")),
                pid_file=Path(str(config.get("external_pid_file") or pgdata / "postmaster.pid")),
                config_dir=Path(str(hba_file)).parent if hba_file else _DEBIAN_CONFIG_DIR,
            )
    return None


def find_cluster() -> Cluster | None:
    result = run(["pg_lsclusters", "--json"], timeout_s=30)
    if result.returncode != 0:
        return None
    return parse_clusters(result.stdout)


def select_one(url: str) -> bool:
    """True when DATABASE_URL logs in and the server answers `select 1`."""
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute("select 1").fetchone() == (1,)
    except psycopg.Error:
        return False


def role_ready(url: str) -> bool:
    """True when DATABASE_URL logs in as a role that may create databases (the tests
    create one database per test)."""
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute(
                "select rolcreatedb from pg_roles where rolname = current_user"
            ).fetchone()
    except psycopg.Error:
        return False
    return row is not None and bool(row[0])


def consumer_ready(url: str) -> bool:
    """True when the consumer's URL logs in as a member of the writer role."""
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute(
                "select pg_has_role(current_user, %s, 'member')", (WRITER_ROLE,)
            ).fetchone()
    except psycopg.Error:
        return False
    return row is not None and bool(row[0])


def reader_ready(url: str) -> bool:
    """True when READER_DATABASE_URL logs in (as a role that is neither superuser nor
    allowed to create databases)."""
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute(
                "select rolsuper or rolcreatedb from pg_roles where rolname = current_user"
            ).fetchone()
    except psycopg.Error:
        return False
    return row == (False,)


def _ensure_installed(layout: Layout) -> bool:
    if SERVER_BIN.exists():
        return False
    apt.install(["postgresql"], what=f"PostgreSQL {POSTGRES_MAJOR}", log_file=layout.apt_log)
    if not SERVER_BIN.exists():
        raise MissingToolError(
            f"apt-get installed postgresql but not version {POSTGRES_MAJOR} ({SERVER_BIN} "
            f"is missing): install postgresql-{POSTGRES_MAJOR} from Debian 12, then retry."
        )
    return True


def _checked(argv: list[str], *, what: str, log: Path | None) -> None:
    result = run(argv, cwd=Path("/"), timeout_s=120)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        raise StartError(
            f"`{' '.join(argv)}` failed (exit {result.returncode}) while {what}; "
            + ("it must run as root: retry with sudo." if os.geteuid() != 0 else "see below."),
            log_tail=output[-10:] + (tail(log, 10) if log else []),
        )


def provision(db: DatabaseTarget, consumer: DatabaseTarget, reader: DatabaseTarget) -> None:
    """Create (or update) the owner role and database of MIGRATIONS_DATABASE_URL, the
    consumer role of DATABASE_URL and the read-only role of READER_DATABASE_URL, as the
    postgres OS user."""
    console.say(NAME, f"creating role {db.user} (LOGIN CREATEDB) and database {db.dbname}")
    argv = ["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-p", str(db.port)]
    argv += ["-d", "postgres", "-v", f"role={db.user}", "-v", f"dbname={db.dbname}"]
    script = _PROVISION_SQL
    if consumer.user != db.user:
        console.say(NAME, f"creating role {consumer.user} (LOGIN, member of {WRITER_ROLE})")
        argv += ["-v", f"consumer={consumer.user}", "-v", f"writer={WRITER_ROLE}"]
        script += _PROVISION_CONSUMER_SQL
    console.say(NAME, f"creating role {reader.user} (LOGIN, read-only)")
    argv += ["-v", f"reader={reader.user}"]
    script += _PROVISION_READER_SQL
    result = run(
        argv,
        cwd=Path("/"),
        input_text=script,
        timeout_s=60,
        env={
            **os.environ,
            "PULSE_STACK_DB_PASSWORD": db.password,
            "PULSE_STACK_CONSUMER_PASSWORD": consumer.password,
            "PULSE_STACK_READER_PASSWORD": reader.password,
        },
    )
    if result.returncode != 0:
        raise StartError(
            f"could not create role {db.user!r} and database {db.dbname!r} (psql exit "
            f"{result.returncode}); "
            + ("this needs root: retry with sudo." if os.geteuid() != 0 else "see below."),
            log_tail=(result.stdout + result.stderr).strip().splitlines()[-10:],
        )


def _pid(cluster: Cluster) -> int | None:
    return read_pid(cluster.pid_file) or read_pid(cluster.pgdata / "postmaster.pid")


def up(
    *,
    db: DatabaseTarget,
    consumer: DatabaseTarget,
    reader: DatabaseTarget,
    layout: Layout,
    tuning: ServerTuning | None = None,
) -> ServiceStatus:
    installed_now = _ensure_installed(layout)
    cluster = find_cluster()
    if cluster is None:
        console.say(NAME, f"creating cluster {'/'.join(_CLUSTER)} on port {db.port}")
        _checked(["pg_createcluster", *_CLUSTER, "-p", str(db.port)], what="creating it", log=None)
        cluster = find_cluster()
        if cluster is None:
            raise StartError(
                "pg_createcluster reported success but pg_lsclusters does not "
                "list 15/main: run `pg_lsclusters` to see why."
            )
    if cluster.port != db.port:
        raise ConfigError(
            f"cluster {'/'.join(_CLUSTER)} listens on port {cluster.port} but DATABASE_URL "
            f"says {db.port}: use port {cluster.port} in DATABASE_URL, then retry."
        )
    retuned = tuning is not None and _tune(cluster, tuning)
    if cluster.running:
        # Debian's postinst starts the cluster it creates: when that happened during our
        # own install, the server is ours to stop.
        if installed_now:
            _mark(layout)
        ours = layout.postgres_marker.exists()
        note = "" if ours else f" ({_NOT_OURS_NOTE})"
        console.say(NAME, f"already running (pid {_pid(cluster)}) on {db.address}{note}")
        if retuned:
            _apply_tuning(cluster, ours=ours)
    else:
        if is_listening(db.host, db.port):
            raise PortInUseError(
                f"PostgreSQL port {db.port} is in use by {describe_port_holder(db.port)}: "
                "stop it, or change the port in DATABASE_URL, then retry."
            )
        console.say(NAME, f"starting PostgreSQL {POSTGRES_MAJOR} (pg_ctlcluster) on {db.address}")
        started = time.monotonic()
        _checked(["pg_ctlcluster", *_CLUSTER, "start"], what="starting it", log=cluster.logfile)
        _mark(layout)
        console.say(NAME, f"started (pid {_pid(cluster)}) in {time.monotonic() - started:.1f} s")
    if (
        not role_ready(db.url)
        or not (consumer.user == db.user or consumer_ready(consumer.url))
        or not reader_ready(reader.url)
    ):
        provision(db, consumer, reader)
    if not wait_until(lambda: select_one(db.url), timeout_s=READY_TIMEOUT_S):
        raise StartError(
            f"PostgreSQL does not accept MIGRATIONS_DATABASE_URL logins on {db.address} within "
            f"{READY_TIMEOUT_S:.0f} s; its log ({cluster.logfile}) says why.",
            log_tail=tail(cluster.logfile, 20),
        )
    return ServiceStatus(NAME, State.HEALTHY, _pid(cluster), db.address)


def _tune(cluster: Cluster, tuning: ServerTuning) -> bool:
    """Write the server settings; True when they changed. A cluster whose configuration
    cannot be written keeps its own settings, with a note saying so."""
    conf_dir = cluster.config_dir / "conf.d"
    try:
        changed = write_conf(conf_dir, tuning)
    except OSError as exc:
        console.say(
            NAME,
            f"cannot write the server settings to {conf_dir} ({exc.strerror}): the server "
            "keeps its own (run `make up` as root to apply Pulse's)",
        )
        return False
    if changed:
        console.say(
            NAME,
            f"server settings in {conf_dir}: shared_buffers {tuning.shared_buffers_mb} MB, "
            f"max_wal_size {tuning.max_wal_size_mb} MB",
        )
    return changed


def _apply_tuning(cluster: Cluster, *, ours: bool) -> None:
    """A running server reads shared_buffers only when it starts: restart one the stack
    started; leave one started elsewhere to its owner."""
    if not ours:
        console.say(NAME, "the new server settings apply when that server restarts")
        return
    console.say(NAME, "restarting PostgreSQL to apply the server settings")
    _checked(["pg_ctlcluster", *_CLUSTER, "restart"], what="restarting it", log=cluster.logfile)


def _mark(layout: Layout) -> None:
    layout.postgres_dir.mkdir(parents=True, exist_ok=True)
    layout.postgres_marker.write_text("started by `python -m stack up`\n", encoding="utf-8")


def down(*, layout: Layout) -> None:
    cluster = find_cluster() if SERVER_BIN.exists() else None
    ours = layout.postgres_marker.exists()
    if cluster is None or not cluster.running:
        remove_file(layout.postgres_marker)
        console.say(NAME, "not running")
        return
    if not ours:
        console.say(NAME, f"left running ({_STARTED_ELSEWHERE})")
        return
    console.say(NAME, f"stopping (pid {_pid(cluster)}) ...")
    # Fast mode: disconnect clients (a consumer left running must not block the stop).
    _checked(
        ["pg_ctlcluster", *_CLUSTER, "stop", "-m", "fast"], what="stopping it", log=cluster.logfile
    )
    remove_file(layout.postgres_marker)
    console.say(NAME, "stopped")


def status(*, db: DatabaseTarget, layout: Layout) -> ServiceStatus:
    cluster = find_cluster() if SERVER_BIN.exists() else None
    if cluster is None or not cluster.running:
        if is_listening(db.host, db.port):
            return ServiceStatus(
                NAME,
                State.NOT_OURS,
                None,
                db.address,
                f"port held by {describe_port_holder(db.port)}",
            )
        if cluster is not None:
            note = ""
        elif SERVER_BIN.exists():
            note = f"no cluster {'/'.join(_CLUSTER)} yet (`python -m stack up` creates it)"
        else:
            note = "not installed (`python -m stack up` installs it)"
        return ServiceStatus(NAME, State.DOWN, None, db.address, note)
    note = "" if layout.postgres_marker.exists() else _NOT_OURS_NOTE
    if select_one(db.url):
        return ServiceStatus(NAME, State.HEALTHY, _pid(cluster), db.address, note)
    return ServiceStatus(
        NAME,
        State.UNHEALTHY,
        _pid(cluster),
        db.address,
        "server runs but MIGRATIONS_DATABASE_URL cannot log in (`python -m stack up` creates "
        "the roles)",
    )


def log_files(layout: Layout) -> list[Path]:  # noqa: ARG001 - same signature as the others
    cluster = find_cluster() if SERVER_BIN.exists() else None
    return [cluster.logfile] if cluster is not None else []
