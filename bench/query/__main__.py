"""`python -m bench.query`: see bench/query/cli.py."""

from bench.query.cli import main

raise SystemExit(main())
