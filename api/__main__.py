"""`python -m api`: serve the HTTP API with uvicorn. A port in use or a database that does
not answer ends it with one line that says what to do, and exit code 1."""

from __future__ import annotations

import argparse
import errno
import logging
import socket
import sys
from collections.abc import Sequence

import uvicorn

from api.app import create_app
from api.database import check_connection
from api.settings import load_api_settings
from pulse.errors import PulseError
from pulse.logs import configure_logging
from stack.ports import describe_port_holder


class PortInUseError(PulseError, OSError):
    """The API's port is held by another process."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m api",
        description="Serve Pulse's read-only HTTP API (OpenAPI docs at /docs).",
    )
    parser.add_argument("--host", dest="api_host", help="bind address (API_HOST)")
    parser.add_argument("--port", dest="api_port", type=int, help="port (API_PORT)")
    parser.add_argument(
        "--reader-database-url", help="PostgreSQL URL of the read-only role (READER_DATABASE_URL)"
    )
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR (LOG_LEVEL)")
    parser.add_argument(
        "--access-log", action="store_true", help="log one line per request (off: cheaper)"
    )
    return parser


def check_port_free(host: str, port: int) -> None:
    """Bind the port once, as uvicorn will, so a port in use is one clear sentence."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUseError(
                    f"API port {port} on {host} is in use by {describe_port_holder(port)}: stop "
                    "it, or set API_PORT (--port) to a free port, then retry."
                ) from None
            raise PortInUseError(
                f"cannot listen on {host}:{port} ({exc.strerror}): check API_HOST (--host)."
            ) from None


class _DropColorMessage(logging.Filter):
    """uvicorn repeats each message with terminal colours in `color_message`: our
    key=value lines would print it as one more field."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.__dict__.pop("color_message", None)
        return True


def _quiet_uvicorn() -> None:
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).addFilter(_DropColorMessage())


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_api_settings(
            api_host=args.api_host,
            api_port=args.api_port,
            reader_database_url=args.reader_database_url,
            log_level=args.log_level,
        )
        configure_logging(settings.log_level)
        _quiet_uvicorn()
        check_port_free(settings.api_host, settings.api_port)
        check_connection(settings.reader_database_url.get_secret_value())
        app = create_app(settings)
    except PulseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"Pulse API on http://{settings.api_host}:{settings.api_port} "
        f"(docs /docs, metrics /metrics)",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(
        app,
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,  # our key=value lines (configure_logging), not uvicorn's
        access_log=args.access_log,
        server_header=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
