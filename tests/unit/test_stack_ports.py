"""Port-in-use detection and port-owner lookup, against a real listening socket."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from stack import ports


@pytest.fixture
def listener() -> Iterator[int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    try:
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


def test_a_listening_port_is_in_use(listener: int) -> None:
    assert ports.is_listening("127.0.0.1", listener)


def test_a_closed_port_is_free() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    sock.close()  # bound, never listened, now closed: nothing accepts there
    assert not ports.is_listening("127.0.0.1", port)
    assert ports.port_owner(port) is None


def test_the_owner_of_a_port_is_found_in_proc(listener: int) -> None:
    owner = ports.port_owner(listener)
    assert owner is not None
    assert owner.pid == os.getpid()
    assert "python" in owner.command
    assert str(os.getpid()) in ports.describe_port_holder(listener)


def test_long_command_lines_are_shortened() -> None:
    owner = ports.PortOwner(pid=7, command="java " + "-cp x " * 100, uid=0, exe="/usr/bin/java")
    text = owner.describe()
    assert text.startswith("pid 7 (java")
    assert len(text) < 140
