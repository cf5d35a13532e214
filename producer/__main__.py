"""Entry point of `python -m producer`."""

from __future__ import annotations

from producer.cli import main

raise SystemExit(main())
