# Pulse: every entry point a person or CI needs. The venv is built once from pyproject.toml.
SHELL := /bin/bash
PY := .venv/bin/python
VENV_STAMP := .venv/.installed-stamp

.PHONY: venv up down status logs prune demo test lint unit integration bench bench-quick chaos

$(VENV_STAMP): pyproject.toml
	@command -v python3 >/dev/null || { echo "python3 is missing: install Python >= 3.11 and retry." >&2; exit 1; }
	@echo "==> creating .venv and installing Python packages (first run only)"
	python3 -m venv .venv
	.venv/bin/pip install --quiet --upgrade pip
	.venv/bin/pip install --quiet --progress-bar on -e '.[dev]'
	@touch $@

venv: $(VENV_STAMP)

up: venv
	@$(PY) -m stack up

down:
	@if [ -x $(PY) ]; then $(PY) -m stack down; else echo "nothing to stop (no .venv)"; fi

status: venv
	@$(PY) -m stack status

logs: venv
	@$(PY) -m stack logs

# Lists the databases `make up` set aside (pulse_before_<date>_<time>) and drops them after
# asking; `make prune YES=1` drops without asking.
prune: venv
	@$(PY) -m stack prune $(if $(YES),--yes)

demo: up
	@$(PY) -m stack demo

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	$(PY) -m pulse.schema_export --check

unit: venv
	$(PY) -m pytest -m "not integration"

integration: up
	$(PY) -m pytest -m integration

test: lint up
	$(PY) -m pytest

# The query benchmark's 10M-fact database, whose history ends 5 days ago, is kept for the
# consumer benchmark: once with late data for every user (its topic's 30 days overlap the
# history), then on a topic after the history, each into an empty database and into a copy
# of that one (issue 17); then it is dropped.
bench: up
	$(PY) -m bench.query --facts 10000000 --end "$$(date -u -d '5 days ago' +%Y-%m-%dT%H:%M:%S)" --keep-as pulse_bench_10m_facts
	$(PY) -m bench.consumer --only pulse-aggregates --runs 1 --filled-database pulse_bench_10m_facts
	$(PY) -m bench.consumer --filled-database pulse_bench_10m_facts --after-filled --drop-filled
	$(PY) -m bench.producer
	$(PY) -m bench.freshness
	$(PY) -m bench.scale

bench-quick: up
	$(PY) -m bench.consumer --quick
	$(PY) -m bench.freshness --quick
	$(PY) -m bench.query --quick

chaos: up
	$(PY) -m tests.chaos
