"""The broker's generated configuration, the pinned versions and the jar-cache check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pulse.errors import ConfigError
from stack.errors import MissingToolError
from stack.kafka import config, maven
from stack.paths import Layout, Versions, read_versions


def _properties(text: str) -> dict[str, str]:
    lines = (line for line in text.splitlines() if line and not line.startswith("#"))
    return dict(line.split("=", 1) for line in lines)


@pytest.fixture
def props(tmp_path: Path) -> dict[str, str]:
    return _properties(
        config.render_server_properties(
            broker_host="127.0.0.1",
            broker_port=9092,
            controller_port=9093,
            data_dir=tmp_path / "data",
        )
    )


def test_single_node_kraft_roles_and_listeners(props: dict[str, str]) -> None:
    assert props["process.roles"] == "broker,controller"
    assert props["node.id"] == "1"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:9092"
    assert props["controller.listener.names"] == "CONTROLLER"


def test_standalone_quorum_uses_bootstrap_servers_not_voters(props: dict[str, str]) -> None:
    # `kafka-storage format --standalone` refuses a config that sets controller.quorum.voters.
    assert props["controller.quorum.bootstrap.servers"] == "127.0.0.1:9093"
    assert "controller.quorum.voters" not in props


@pytest.mark.parametrize(
    "key",
    [
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr",
        "share.coordinator.state.topic.replication.factor",
        "share.coordinator.state.topic.min.isr",
        "default.replication.factor",
        "min.insync.replicas",
    ],
)
def test_internal_topics_fit_on_one_node(props: dict[str, str], key: str) -> None:
    assert props[key] == "1"


def test_topic_defaults_for_development(props: dict[str, str], tmp_path: Path) -> None:
    assert props["log.dirs"] == str(tmp_path / "data")
    assert props["num.partitions"] == "3"
    assert props["auto.create.topics.enable"] == "true"
    assert props["group.initial.rebalance.delay.ms"] == "0"


def test_log4j2_config_writes_server_log(tmp_path: Path) -> None:
    text = config.render_log4j2(server_log=tmp_path / "server.log")
    assert f"appender.server.fileName = {tmp_path / 'server.log'}" in text
    assert "rootLogger.appenderRef.server.ref = server" in text


def test_broker_command_line(tmp_path: Path) -> None:
    argv = config.java_command(
        libs_dir=tmp_path / "libs",
        log4j_config=tmp_path / "log4j2.properties",
        main_class=config.MAIN_CLASS,
        args=["server.properties"],
        heap=True,
    )
    assert argv[0] == "java"
    assert "-Xmx512m" in argv
    assert argv[argv.index("-cp") + 1] == f"{tmp_path / 'libs'}/*"
    assert argv[-2:] == ["kafka.Kafka", "server.properties"]
    assert f"-Dlog4j2.configurationFile={tmp_path / 'log4j2.properties'}" in argv


@pytest.mark.parametrize(
    ("servers", "expected"),
    [
        ("127.0.0.1:9092", ("127.0.0.1", 9092)),
        ("localhost:19092,other:9092", ("localhost", 19092)),
        ("[::1]:9092", ("::1", 9092)),
    ],
)
def test_parse_bootstrap(servers: str, expected: tuple[str, int]) -> None:
    assert config.parse_bootstrap(servers) == expected


@pytest.mark.parametrize("servers", ["", "127.0.0.1", "host:port", "host:0", "host:70000"])
def test_parse_bootstrap_rejects(servers: str) -> None:
    with pytest.raises(ValueError, match="host:port"):
        config.parse_bootstrap(servers)


def test_versions_are_pinned_in_the_pom() -> None:
    versions = read_versions()
    assert versions.kafka == "4.3.1"
    assert versions.log4j.startswith("2.")
    assert versions.slf4j.startswith("2.")  # the SLF4J 2 binding needs the 2.x API


def test_a_pom_without_versions_is_a_config_error(tmp_path: Path) -> None:
    pom = tmp_path / "pom.xml"
    pom.write_text('<project xmlns="http://maven.apache.org/POM/4.0.0"/>', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kafka\.version"):
        read_versions(pom)


def test_jar_cache_is_current_only_for_the_pinned_versions(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    versions = Versions(kafka="4.3.1", log4j="2.24.3", slf4j="2.0.17")
    assert not maven.libs_ready(layout, versions)
    layout.kafka_libs.mkdir(parents=True)
    (layout.kafka_libs / "kafka_2.13-4.3.1.jar").write_bytes(b"")
    layout.kafka_libs_stamp.write_text(versions.stamp() + "\n", encoding="utf-8")
    assert maven.libs_ready(layout, versions)
    newer = Versions(kafka="4.4.0", log4j="2.24.3", slf4j="2.0.17")
    assert not maven.libs_ready(layout, newer)


def test_missing_maven_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(MissingToolError, match="apt-get install -y maven"):
        maven.ensure_libs(Layout(tmp_path), Versions("4.3.1", "2.24.3", "2.0.17"))
