"""A throw-away single-node KRaft broker whose client listeners require SASL/SCRAM, one in
clear text and one over TLS, for tests and for trying Pulse's security settings. It has
its own ports and folder, reuses the stack's jars, and is always stopped on exit."""

from __future__ import annotations

import gc
import socket
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stack.errors import StartError
from stack.kafka.broker import metadata_ok
from stack.kafka.config import (
    MAIN_CLASS,
    STORAGE_TOOL_CLASS,
    java_command,
    render_log4j2,
    render_server_properties,
)
from stack.kafka.maven import ensure_libs
from stack.paths import REPO_ROOT, Layout, versions
from stack.ports import is_listening
from stack.process import ProcessExitedError, run, spawn, stop, tail, wait_until

READY_TIMEOUT_S = 90.0
MECHANISM = "SCRAM-SHA-256"
# Only the broker reads the key store; its password protects nothing worth a secret.
_KEYSTORE_PASSWORD = "pulse-test-keystore"
_SCRAM_SERVER = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
# The quick compiler only: these JVMs live a minute at most, and the optimizing one would
# spend the machine's few cores on code that never gets hot (start-up measured faster).
_JVM_OPTIONS = ("-XX:TieredStopAtLevel=1",)


@dataclass(frozen=True)
class SecureBroker:
    """Where the broker listens and the one SCRAM user it knows."""

    sasl_bootstrap: str  # SASL_PLAINTEXT
    ssl_bootstrap: str  # SASL_SSL, certificate for 127.0.0.1 and localhost
    plain_bootstrap: str  # PLAINTEXT, no authentication: the broker's own listener
    cafile: Path  # the broker's self-signed certificate, in PEM
    username: str
    password: str = field(repr=False)
    log: Path

    def env(self, *, tls: bool = False, password: str | None = None) -> dict[str, str]:
        """Pulse's environment variables for a client of this broker."""
        variables = {
            "KAFKA_BOOTSTRAP_SERVERS": self.ssl_bootstrap if tls else self.sasl_bootstrap,
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL" if tls else "SASL_PLAINTEXT",
            "KAFKA_SASL_MECHANISM": MECHANISM,
            "KAFKA_SASL_USERNAME": self.username,
            "KAFKA_SASL_PASSWORD": self.password if password is None else password,
        }
        if tls:
            variables["KAFKA_SSL_CAFILE"] = str(self.cafile)
        return variables

    def client_options(self) -> dict[str, Any]:
        """kafka-python keywords for the SASL_PLAINTEXT listener (tests' own clients)."""
        return {
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": MECHANISM,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_properties(folder: Path, ports: dict[str, int]) -> str:
    """The stack's single-node settings with SASL listeners added. Brokers and the
    controller talk over PLAINTEXT on loopback: only clients are authenticated here."""
    listeners = {name: f"127.0.0.1:{port}" for name, port in ports.items()}
    client = ("SASL_PLAINTEXT", "SASL_SSL")
    overrides = {
        "listeners": ",".join(f"{name}://{address}" for name, address in listeners.items()),
        "advertised.listeners": ",".join(
            f"{name}://{listeners[name]}" for name in ("INTERNAL", *client)
        ),
        "inter.broker.listener.name": "INTERNAL",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,"
        "SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
        "sasl.enabled.mechanisms": MECHANISM,
        "ssl.keystore.type": "PKCS12",
        "ssl.keystore.location": str(folder / "broker.p12"),
        "ssl.keystore.password": _KEYSTORE_PASSWORD,
        "ssl.key.password": _KEYSTORE_PASSWORD,
    }
    for name in client:
        overrides[f"listener.name.{name.lower()}.{MECHANISM.lower()}.sasl.jaas.config"] = (
            _SCRAM_SERVER
        )
    return render_server_properties(
        broker_host="127.0.0.1",
        broker_port=ports["INTERNAL"],
        controller_port=ports["CONTROLLER"],
        data_dir=folder / "data",
        overrides=overrides,
    )


def _make_certificate(folder: Path) -> Path:
    """A self-signed key pair for 127.0.0.1/localhost; returns its certificate in PEM."""
    store, pem = folder / "broker.p12", folder / "ca.pem"
    common = ["-keystore", str(store), "-storetype", "PKCS12", "-storepass", _KEYSTORE_PASSWORD]
    for argv in (
        ["keytool", "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048",
         "-validity", "7", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
         "-keypass", _KEYSTORE_PASSWORD, *common],
        ["keytool", "-exportcert", "-rfc", "-alias", "broker", "-file", str(pem), *common],
    ):  # fmt: skip
        result = run(argv, cwd=folder, timeout_s=60)
        if result.returncode != 0:
            raise StartError(
                f"keytool failed (exit {result.returncode}); is a Java 17 JDK/JRE installed?",
                log_tail=(result.stdout + result.stderr).strip().splitlines()[-10:],
            )
    return pem


def _format(libs: Path, folder: Path, *, username: str, password: str) -> None:
    """Formats storage with the SCRAM user already in the metadata (KRaft has no
    ZooKeeper to add it to later, and the broker needs it before its first client)."""
    argv = java_command(
        libs_dir=libs,
        log4j_config=folder / "log4j2.properties",
        main_class=STORAGE_TOOL_CLASS,
        args=["format", "--standalone", "-t", uuid.uuid4().hex[:22],
              "-c", str(folder / "server.properties"),
              "--add-scram", f"{MECHANISM}=[name={username},password={password}]"],
        heap=False,
        jvm_options=_JVM_OPTIONS,
    )  # fmt: skip
    result = run(argv, cwd=folder, timeout_s=120)
    if result.returncode != 0:
        raise StartError(
            f"kafka-storage format failed (exit {result.returncode}) in {folder}.",
            log_tail=(result.stdout + result.stderr).strip().splitlines()[-20:],
        )


@contextmanager
def secure_broker(
    folder: Path, *, username: str = "pulse", password: str, max_heap: str = "384m"
) -> Iterator[SecureBroker]:
    """Starts the broker in `folder` (created, and left for its logs) and stops it on exit."""
    layout = Layout.default()
    ensure_libs(layout, versions())
    folder.mkdir(parents=True, exist_ok=True)
    ports = {
        name: _free_port() for name in ("INTERNAL", "CONTROLLER", "SASL_PLAINTEXT", "SASL_SSL")
    }
    (folder / "server.properties").write_text(_server_properties(folder, ports), encoding="utf-8")
    log = folder / "server.log"
    (folder / "log4j2.properties").write_text(render_log4j2(server_log=log), encoding="utf-8")
    broker = SecureBroker(
        sasl_bootstrap=f"127.0.0.1:{ports['SASL_PLAINTEXT']}",
        plain_bootstrap=f"127.0.0.1:{ports['INTERNAL']}",
        ssl_bootstrap=f"127.0.0.1:{ports['SASL_SSL']}",
        cafile=_make_certificate(folder),
        username=username,
        password=password,
        log=log,
    )
    _format(layout.kafka_libs, folder, username=username, password=password)
    argv = java_command(
        libs_dir=layout.kafka_libs,
        log4j_config=folder / "log4j2.properties",
        main_class=MAIN_CLASS,
        args=[str(folder / "server.properties")],
        heap=True,
        max_heap=max_heap,
        jvm_options=_JVM_OPTIONS,
    )
    # A helper: it dies with the test process, even a SIGKILLed one.
    proc = spawn(argv, log_file=folder / "console.log", cwd=REPO_ROOT, helper=True)
    try:
        _wait_ready(broker, alive=lambda: proc.poll() is None)
        yield broker
    finally:
        stop(proc.pid, timeout_s=15.0)
        proc.wait()


def _wait_ready(broker: SecureBroker, *, alive: Callable[[], bool]) -> None:
    """Waits for the port, then for an authenticated metadata answer.

    A kafka-python client whose connection is refused leaves its socket behind, and the
    garbage collector would report it later against whatever runs next (a test): so no
    client is tried before the port listens, and the leftovers are collected here."""
    started = time.monotonic()
    host, port = broker.sasl_bootstrap.rsplit(":", 1)
    try:
        ready = wait_until(
            lambda: is_listening(host, int(port)), timeout_s=READY_TIMEOUT_S, alive=alive
        ) and wait_until(
            lambda: metadata_ok(broker.sasl_bootstrap, **broker.client_options()),
            timeout_s=READY_TIMEOUT_S,
            alive=alive,
        )
    except ProcessExitedError:
        ready = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    if not ready:
        raise StartError(
            f"the SASL test broker did not answer on {broker.sasl_bootstrap} within "
            f"{time.monotonic() - started:.0f} s; its log says why.",
            log_tail=tail(broker.log, 20),
        )
