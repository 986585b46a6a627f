# Alianza: `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ENV := DEBUG=true ALIANZA_MASTER_KEY_FILE=var/master.key

.PHONY: install demo demo-otp serve test lint typecheck messages compilemessages worker worker-rq vendor vendor-pins clean reset-demo bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

var/master.key:
	mkdir -p var && umask 077 && $(PYTHON) -c "import os,base64;print(base64.urlsafe_b64encode(os.urandom(32)).decode())" > var/master.key

compilemessages: $(STAMP)
	$(PY) scripts/catalogs.py compile

# Extract every marked string into the catalogs (then translate them in locale/<lang>/LC_MESSAGES/django.po).
# Needs GNU gettext's xgettext (Debian: gettext); compiling and checking need only Python.
messages: $(STAMP)
	cd src/alianza && ../../$(PY) ../../manage.py makemessages --no-obsolete --no-location -l en -l es -l ht -l pt -l zh_Hans -l zh_Hant -l ko -l ar -l gu -l vi -l fr
	$(MAKE) compilemessages

# Serves the demo with a task worker and the periodic scheduler beside it (e-mails appear in
# this terminal); Ctrl-C stops all three.
demo: $(STAMP) var/master.key compilemessages
	$(DEMO_ENV) $(MANAGE) migrate --no-input -v 0
	$(DEMO_ENV) $(MANAGE) load_demo
	trap 'kill 0' EXIT; $(DEMO_ENV) $(MANAGE) db_worker & $(DEMO_ENV) $(MANAGE) schedule --loop & $(DEMO_ENV) $(MANAGE) runserver $(HOST):$(PORT)

# The current two-factor code of the demo accounts.
demo-otp: $(STAMP)
	@$(DEMO_ENV) $(MANAGE) demo_otp

serve: $(STAMP) var/master.key
	$(DEMO_ENV) $(MANAGE) runserver $(HOST):$(PORT)

# Background tasks: the database worker by default; with TASKS_BACKEND=rq use `make worker-rq`.
worker: $(STAMP) var/master.key
	$(DEMO_ENV) $(MANAGE) db_worker

worker-rq: $(STAMP) var/master.key
	TASKS_BACKEND=rq $(DEMO_ENV) $(MANAGE) rqworker default --job-class django_tasks_rq.backend.Job

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy src/alianza

test: $(STAMP) compilemessages lint typecheck
	$(MANAGE) makemigrations --check --dry-run
	$(PY) scripts/catalogs.py check
	$(BIN)/pytest

# Import benchmark (docs/performance.md): 10k and 100k rows on SQLite and PostgreSQL (if it
# answers); `$(PY) bench/run.py --full` adds 1M rows. Then the people tables' floors at 100k (how fast any
# import could write them; `$(PY) bench/floors.py` for 1M), the retention run over 100k people beside a
# bare DELETE (docs/retention.md; `--full` adds 1M), the events load test, and the backup benchmark
# (docs/backups.md: backup and restore beside pg_dump/pg_restore), and the erasure beside a bare
# DELETE (docs/subject-requests.md#performance; `--full` adds 1M). Results in var/bench/.
bench: $(STAMP)
	$(PY) bench/run.py
	$(PY) bench/floors.py --rows 100000
	$(PY) bench/retention.py
	$(PY) bench/events.py
	$(PY) bench/backup.py
	$(PY) bench/erasure.py

vendor:
	$(PYTHON) scripts/vendor.py

# After changing a version and its integrity in vendor.json: fetch, check, and pin the files' sha256.
vendor-pins:
	$(PYTHON) scripts/vendor.py --update-pins

# Removes the virtual environment and caches; keeps var/ (database, master key, key store).
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Deletes the demo database together with its master key and key store (they belong together).
reset-demo:
	rm -rf var
