# FanWiki: `make run` to serve the wiki locally, `make test` to check it, `make serve` in production.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/fanwiki

.PHONY: help install install-dev migrate seed run serve test test-postgres lint format bench backup restore soak clean browser-tools screenshots

help:
	@echo "make run            install, migrate, load the seed, serve on http://$(HOST)/ (debug on)"
	@echo "make serve          production: migrate, collectstatic, gunicorn (see README, Production)"
	@echo "make test           run linters and the whole test suite (SQLite)"
	@echo "make test-postgres  the test suite against PostgreSQL ($(POSTGRES_URL))"
	@echo "make lint | format  ruff check / ruff format"
	@echo "make bench          pages served by gunicorn and measured with wrk (seed and 100k demo articles), pictures"
	@echo "make backup         archive the whole wiki into backups/ (FORMAT=json for any database)"
	@echo "make restore BACKUP=file [FORCE=1]  restore an archive (refuses a wiki with content unless FORCE=1)"
	@echo "make soak           serve under load while workers, PostgreSQL and Redis fail (SOAK_DATABASE=postgresql)"
	@echo "make browser-tools  the pinned npm tools of the browser tests (axe-core, vnu-jar)"
	@echo "make screenshots    docs/queen-of-tears-*.png: desktop and phone, light and dark"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Debug is on only where a developer asks for it: the local server and its database steps.
migrate seed run: export DJANGO_DEBUG = 1

install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py rebuild_search --if-empty

run: seed
	$(BIN)/python manage.py runserver $(HOST)

# Reads its settings from the environment (README, Production); gunicorn takes over the process,
# so `kill -HUP` on its pid reloads it gracefully.
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	exec $(BIN)/gunicorn --config gunicorn.conf.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# tests/browser/ also needs Debian's Chromium and a JRE; without them those tests are skipped, and the
# run ends with a "BROWSER TESTS SKIPPED" banner (FANWIKI_REQUIRE_BROWSER=1, as in CI, fails instead).
# One worker per core; a test file stays on one worker (its servers, ports and Redis database are its own).
# PYTEST_ARGS= (empty) runs everything in this process, as a plain `pytest` does.
PYTEST_ARGS ?= -n auto --dist loadfile
test: install-dev lint browser-tools
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests check pages, not the database: SQLite's run covers them.
test-postgres: install-dev
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

BROWSER_TOOLS := tests/browser/node_modules/.installed
$(BROWSER_TOOLS): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

browser-tools:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(BROWSER_TOOLS); \
	else echo "npm not found: the axe and Nu checker tests will be skipped"; fi

screenshots: install-dev
	$(BIN)/python tests/browser/screenshots.py docs

# Sizes to measure: "seed" and numbers of demo articles. BENCH_ARGS: e.g. --duration 10 --postgres URL.
BENCH_SIZES ?= seed,100000
bench: install-dev
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python bench/run.py --sizes $(BENCH_SIZES) $(BENCH_ARGS)
	$(BIN)/python bench/images.py
	$(BIN)/python bench/worst_case.py

# Run with the site's own environment (as `make serve` has it; DJANGO_DEBUG=1 for the `make run` wiki).
BACKUP_DIR ?= backups
backup: install
	$(BIN)/python manage.py backup_wiki --output $(BACKUP_DIR) $(if $(FORMAT),--format $(FORMAT))

restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/fanwiki-....tar.gz [FORCE=1]"; exit 2; }
	$(BIN)/python manage.py restore_wiki $(BACKUP) $(if $(FORCE),--force)

# Loopback only, a few minutes; its own redis-server (port 6390) and, for PostgreSQL, its own cluster (5440).
SOAK_DATABASE ?= sqlite
SOAK_SECONDS ?= 150
soak: install-dev
	@command -v redis-server >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq redis-server; }
	$(BIN)/python bench/soak.py --database $(SOAK_DATABASE) --seconds $(SOAK_SECONDS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache tests/browser/node_modules
