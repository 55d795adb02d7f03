# The documented way in. `make run` and `make test` set up everything on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := ingestion orchestration expectations deliverables samples bench
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := False
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export PATH := $(CURDIR)/$(BIN):$(PATH)
# .env (see .env.example) holds the local settings: make passes them to every command, as
# `dagster dev` reads them itself, so the command line and the UI use the same key and folders.
-include .env
export $(shell sed -n 's/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}\([A-Za-z_][A-Za-z0-9_]*\)[[:space:]]*=.*/\2/p' .env 2>/dev/null)
# The public demo key, for the bundled synthetic sample only (ingest refuses it for other files),
# and only when no key is configured (a key and a key file together are an error).
ifeq ($(strip $(ETABLERER_PSEUDONYM_KEY)$(ETABLERER_PSEUDONYM_KEY_FILE)),)
export ETABLERER_PSEUDONYM_KEY := demo-key-for-the-bundled-synthetic-sample-only
endif

.PHONY: install run test test-load dev serve lint format bench docs images clean

# Bytecode is compiled at install: uv does not by default, and where PYTHONDONTWRITEBYTECODE is set
# (it is on the machines measured here) every process compiles Dagster, dbt and GX from source again,
# which doubled their start-up (docs/performance.md).
$(STAMP): requirements.lock pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q -j 0 $(PACKAGES)
	touch $(STAMP)

DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print 2>/dev/null)
MANIFEST := dbt_project/target/manifest.json

# The dbt manifest the Dagster definitions load; parsed again only when the dbt project changes.
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	$(BIN)/etablerer prepare

install: $(STAMP) $(MANIFEST)

run: install
	$(BIN)/etablerer run --year 2025 --year 2026 --sample

test: install
	$(BIN)/python -m pytest

# The suite with both cores kept busy, as on a shared CI machine (docs/reliability.md): two
# CPU-bound busy loops run beside pytest. The trap stops them when pytest ends, however it ends
# (a failure, Ctrl-C); each also stops by itself if the shell that started it is killed. The exit
# code is pytest's. PYTEST_ARGS narrows the run, e.g. PYTEST_ARGS=tests/e2e/test_publish.py.
test-load: install
	@hogs=(); \
	for i in 1 2; do \
	  $(BIN)/python -c 'import itertools, os; parent = os.getppid(); any(os.getppid() != parent for _ in itertools.count())' & \
	  hogs+=($$!); \
	done; \
	trap 'kill $${hogs[*]} 2>/dev/null' EXIT INT TERM HUP; \
	echo "test-load: busy loops $${hogs[*]} beside pytest"; \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

dev: install
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# The deployed topology: a code server, the daemon and the webserver, separate processes on the
# instance ETABLERER_DAGSTER_YAML names (a server: deploy/dagster.yaml, PostgreSQL; else the
# checkout's SQLite). Stops all three on Ctrl-C. See docs/operations.md.
serve: install
	$(BIN)/etablerer serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	# the import contracts in .importlinter (layers, no samples/tests/bench in production, no
	# cycles); no cache folder in the checkout, the graph is small
	$(BIN)/lint-imports --no-cache
	# its own dbt target folder, so the project's partial parse (a real warehouse's) is kept
	ETABLERER_DUCKDB_PATH=:memory: DBT_TARGET_PATH=target/sqlfluff $(BIN)/sqlfluff lint dbt_project/models dbt_project/tests

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench

docs: install
	mkdir -p warehouse
	cd dbt_project && ../$(BIN)/dbt docs generate --profiles-dir .
	@echo "dbt docs: dbt_project/target/index.html (serve with: cd dbt_project && ../$(BIN)/dbt docs serve --profiles-dir .)"

# The pages of the sample's 2026 annual report (Ringeriksregionen) and county overview as images,
# for the README: docs/images/*.png, from the reports `make run` writes.
images: run
	$(BIN)/python -m deliverables.page_images reports/2026 docs/images 2026

# What the pipeline generated. Not data/landing (operators' deliveries), data/archive (their
# originals, content-addressed) nor data/linkage (the organisation numbers' links): those are inputs.
clean:
	rm -rf warehouse reports .dagster_home dbt_project/target dbt_project/logs
