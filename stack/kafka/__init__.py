"""The local Kafka broker: jars from Maven Central (pom.xml here pins the versions),
generated KRaft configuration, and the broker process's lifecycle."""

from __future__ import annotations

from stack.kafka.broker import NAME, down, log_files, status, up

__all__ = ["NAME", "down", "log_files", "status", "up"]
