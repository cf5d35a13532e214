"""`python -m bench.producer`: see bench/producer/cli.py."""

from bench.producer.cli import main

raise SystemExit(main())
