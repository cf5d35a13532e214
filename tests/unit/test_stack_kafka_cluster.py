"""The 3-node chaos cluster's generated configuration, cluster id, and its refusal to start
on a taken port (no JVM is started by these tests)."""

from __future__ import annotations

import base64
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from stack.errors import PortInUseError
from stack.kafka import cluster
from stack.paths import Layout


def _properties(text: str) -> dict[str, str]:
    lines = (line for line in text.splitlines() if line and not line.startswith("#"))
    return dict(line.split("=", 1) for line in lines)


def _all_props(root: Path) -> list[dict[str, str]]:
    nodes = cluster._nodes(root)
    voters = ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in nodes)
    return [_properties(cluster.render_node_properties(n, voters)) for n in nodes]


def test_three_combined_nodes_share_one_static_quorum(tmp_path: Path) -> None:
    props = _all_props(tmp_path)
    assert [p["node.id"] for p in props] == ["1", "2", "3"]
    assert {p["process.roles"] for p in props} == {"broker,controller"}
    assert {p["controller.quorum.voters"] for p in props} == {
        "1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097"
    }


def test_every_node_has_its_own_ports_and_data(tmp_path: Path) -> None:
    props = _all_props(tmp_path)
    listeners = [p["listeners"] for p in props]
    assert listeners[0] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert len(set(listeners)) == 3
    assert len({p["log.dirs"] for p in props}) == 3
    assert all(p["log.dirs"].startswith(str(tmp_path)) for p in props)
    ports = {n.broker_port for n in cluster._nodes(tmp_path)}
    ports |= {n.controller_port for n in cluster._nodes(tmp_path)}
    assert len(ports) == 6
    assert not ports & {9092, 9093}  # the local stack's


def test_replication_survives_one_lost_node(tmp_path: Path) -> None:
    for p in _all_props(tmp_path):
        assert p["default.replication.factor"] == "3"
        assert p["min.insync.replicas"] == "2"
        assert p["offsets.topic.replication.factor"] == "3"
        assert p["auto.create.topics.enable"] == "false"


def test_cluster_id_is_kafka_shaped() -> None:
    ids = {cluster.new_cluster_id() for _ in range(200)}
    assert len(ids) == 200
    for text in ids:
        assert len(text) == 22
        assert not text.startswith("-")
        assert len(base64.urlsafe_b64decode(text + "==")) == 16


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port this test listens on (any free one: chaos runs may hold the real ones)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield int(sock.getsockname()[1])


def test_a_taken_port_is_refused_with_its_holder_named(tmp_path: Path, taken_port: int) -> None:
    # Node 2's broker port is the taken one (its neighbours may be taken too: any is named).
    with (
        pytest.raises(
            PortInUseError, match=r"port \d+ \(Kafka cluster node \d \w+\) is in use by pid "
        ),
        cluster.running_cluster(Layout(tmp_path), first_port=taken_port - 2),
    ):
        pytest.fail("the cluster started on a taken port")
    assert not (tmp_path / "cluster").exists()  # refused before writing anything
