"""Pulse traffic simulator: a seeded population of users, content, products and support
calls whose sessions, rhythm and injected faults are published to Kafka."""

from __future__ import annotations
