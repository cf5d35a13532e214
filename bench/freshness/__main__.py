"""`python -m bench.freshness`: see bench/freshness/cli.py."""

from bench.freshness.cli import main

raise SystemExit(main())
