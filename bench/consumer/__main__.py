"""`python -m bench.consumer`: see bench/consumer/cli.py."""

from bench.consumer.cli import main

raise SystemExit(main())
