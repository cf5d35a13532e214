"""The metrics endpoint listens on METRICS_HOST only (loopback by default): the kernel's
socket table shows that one address, and other addresses of this machine refuse."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.commands import unique_group
from tests.integration import harness
from tests.integration.harness import REPO

pytestmark = pytest.mark.integration

_LISTEN = "0A"  # TCP state code in /proc/net/tcp


def listening_addresses(port: int) -> list[str]:
    """Local IPv4 addresses with a socket listening on `port`, from /proc/net/tcp."""
    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address_hex, port_hex = local.split(":")
        if state == _LISTEN and int(port_hex, 16) == port:
            found.append(socket.inet_ntoa(bytes.fromhex(address_hex)[::-1]))
    return found


def listens_on_ipv6(port: int) -> bool:
    path = Path("/proc/net/tcp6")
    lines = path.read_text().splitlines()[1:] if path.exists() else []
    return any(
        line.split()[3] == _LISTEN and int(line.split()[1].split(":")[1], 16) == port
        for line in lines
    )


def primary_address() -> str | None:
    """This machine's address on its default route, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def refuses(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=3).close()
    except ConnectionRefusedError:
        return True
    return False


def serves_metrics(host: str, port: int) -> bool:
    try:
        body = urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=3).read()
    except OSError:
        return False
    return b"pulse_" in body


# (flags, the address bound, another local address that must refuse)
CASES = {
    "default-loopback": ((), "127.0.0.1", "127.0.0.2"),
    "configured-127.0.0.2": (("--metrics-host", "127.0.0.2"), "127.0.0.2", "127.0.0.1"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_metrics_listen_only_on_the_configured_address(
    kafka_bootstrap: str,
    database_url: str,
    topic_factory: Callable[..., str],
    tmp_path: Path,
    case: tuple[tuple[str, ...], str, str],
) -> None:
    flags, bound, elsewhere = case
    consumer = harness.start_consumer(
        bootstrap=kafka_bootstrap,
        database_url=database_url,
        topic=topic_factory("bind", 1),
        dlq_topic=topic_factory("bind-dlq", 1),
        group=unique_group(),
        log_dir=tmp_path,
        exit_when_idle_s=None,
        extra=flags,
    )
    port = consumer.metrics_port
    try:
        harness.wait_for(lambda: serves_metrics(bound, port), 60, f"metrics on {bound}:{port}")
        # Past start-up (signal handlers installed), so SIGTERM below is a clean stop.
        harness.wait_for(lambda: "msg=consuming" in consumer.log(), 60, "the consumer to start")
        assert listening_addresses(port) == [bound]
        assert not listens_on_ipv6(port)
        assert refuses(elsewhere, port)
        other = primary_address()
        if other is not None:  # a machine with a network interface: it must refuse there too
            assert refuses(other, port)
    finally:
        consumer.terminate()
        exit_code = consumer.wait(30)
    assert exit_code == 0, consumer.log()[-3000:]


def test_a_metrics_host_that_is_not_this_machine_says_how_to_fix_it(
    kafka_bootstrap: str, database_url: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "consumer", "run", "--bootstrap-servers", kafka_bootstrap,
         "--database-url", database_url, "--metrics-host", "192.0.2.1", "--metrics-port", "0"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    harness.assert_one_clear_error(
        result,
        "cannot serve metrics on 192.0.2.1:0",
        "METRICS_HOST must be an address of this machine",
    )
