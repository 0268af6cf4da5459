# Kohtaamo: `make run` to try it, `make test` to test it. Every target sets up what it needs.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
MANAGE := $(PY) manage.py
STAMP := .venv/.installed

.PHONY: run test check ci bench setup messages screenshots clean

$(PY):
	python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

.env:
	$(PY) -m kohtaamo.core.envfile .env

# compilemessages and makemessages need GNU gettext (on Debian-based machines it is usually there).
/usr/bin/msgfmt:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext

setup: $(STAMP) .env /usr/bin/msgfmt
	$(MANAGE) migrate --noinput
	$(MANAGE) compilemessages --ignore=.venv -v 0

run: setup
	$(MANAGE) seed_demo --once
	@echo "Kohtaamo: http://127.0.0.1:8000  (demo users in README.md)"
	@trap 'kill 0' EXIT; \
	  $(MANAGE) db_worker --queue-name '*' & \
	  $(MANAGE) run_scheduler & \
	  $(MANAGE) runserver 127.0.0.1:8000

# Browser tests drive Debian's chromium; install it when it is missing.
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

test: $(STAMP) .env /usr/bin/chromium /usr/bin/msgfmt
	$(MANAGE) compilemessages --ignore=.venv -v 0
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

check: $(STAMP) .env /usr/bin/msgfmt
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .
	$(MANAGE) makemigrations --check --dry-run
	$(PY) -m kohtaamo.core.i18ncheck

ci: check test

messages: $(STAMP)
	$(PY) -m kohtaamo.core.i18ncheck --update

bench: setup
	$(PY) -m bench.run $(BENCH_ARGS)

screenshots: setup /usr/bin/chromium
	$(PY) -m bench.screenshots

clean:
	rm -rf .venv db.sqlite3 staticfiles
