"""`python -m bench.scaling`: see bench/scaling/cli.py."""

from bench.scaling.cli import main

raise SystemExit(main())
