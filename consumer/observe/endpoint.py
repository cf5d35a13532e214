"""The consumer's /metrics endpoint: served on METRICS_HOST only, with one clear message when
the address cannot be bound."""

from __future__ import annotations

import errno

from prometheus_client import CollectorRegistry, start_http_server

from pulse.errors import ConfigError, ServiceUnavailableError
from pulse.settings import Settings


def serve_metrics(settings: Settings, registry: CollectorRegistry) -> int:
    """Serve /metrics on METRICS_HOST only (loopback unless configured); returns the port
    bound (METRICS_PORT=0 picks one)."""
    where = f"{settings.metrics_host}:{settings.metrics_port}"
    try:
        server, _thread = start_http_server(
            settings.metrics_port, settings.metrics_host, registry=registry
        )
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServiceUnavailableError(
                f"cannot serve metrics on {where} ({exc.strerror}). Another process uses the "
                "port: stop it or pass --metrics-port (METRICS_PORT); 0 picks a free port."
            ) from None
        raise ConfigError(
            f"cannot serve metrics on {where} ({exc.strerror or exc}). METRICS_HOST must be an "
            "address of this machine (127.0.0.1, or 0.0.0.0 for every interface): fix it or "
            "pass --metrics-host."
        ) from None
    return int(server.server_port)
