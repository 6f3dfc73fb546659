# Strategieportal – the developer's commands. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
# The embedded default: SQLite, tasks in-process, mail to the console.
DEV_ENV := DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run test test-browser lint format messages worker beat bench static migrate demo clean

help:
	@echo "make run           start the site on http://$(HOST):$(PORT) (SQLite, tasks in-process)"
	@echo "make test          the whole test suite on the embedded default"
	@echo "make test-browser  Playwright + axe-core tests in Debian's Chromium"
	@echo "make install       .venv, Python and npm dependencies, static files"
	@echo "make lint          ruff check, ruff format --check, the floors (import-linter), makemigrations --check"
	@echo "make messages      update and compile the German and English catalogues"
	@echo "make worker        a Celery worker (needs CELERY_BROKER_URL)"
	@echo "make bench         benchmarks against a baseline measured in the same run"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed (Node.js 18 or newer)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Collected as in production (hashed names, compressed, a manifest), so that the same checkout
# also serves with DEBUG=0; with DEBUG=1 the files are found in place anyway. Only when an input
# changed: the site's own files, the npm packages, the Python packages (the admin's files).
STATIC_INPUTS := $(shell find static -type f 2>/dev/null)
STATIC_STAMP := staticfiles/.collected

$(STATIC_STAMP): $(STATIC_INPUTS) $(VENV)/.installed node_modules/.installed
	DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost $(MANAGE) collectstatic --noinput --verbosity 0
	@touch $@

static: $(STATIC_STAMP)

install: $(VENV)/.installed node_modules/.installed $(STATIC_STAMP)

migrate: install
	$(DEV_ENV) $(MANAGE) migrate --noinput --verbosity 0

demo: migrate
	$(DEV_ENV) $(MANAGE) load_demo
	@$(DEV_ENV) $(MANAGE) send_queued_emails

run: demo
	@echo ""
	@echo "  Strategieportal runs at http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	@echo ""
	$(DEV_ENV) $(MANAGE) runserver $(HOST):$(PORT)

test: install
	$(DEV_ENV) $(BIN)/pytest -m "not browser" -n auto $(PYTEST_ARGS)

test-browser: install
	$(DEV_ENV) $(BIN)/pytest -m browser -p no:randomly -n auto $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(DEV_ENV) $(MANAGE) makemigrations --check --dry-run

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(VENV)/.installed
	$(DEV_ENV) $(MANAGE) makemessages --locale de --locale en --no-obsolete --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*'
	$(DEV_ENV) $(MANAGE) compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

worker: install
	$(BIN)/celery -A strategy_portal worker --loglevel=INFO --concurrency=2

beat: install
	$(BIN)/celery -A strategy_portal beat --loglevel=INFO --schedule=/tmp/celerybeat-schedule

bench: install
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
