# Two commands do all set-up on a fresh machine (see README.md):
#   make run    install, migrate, load catalogs and demo data, start web + worker + beat
#   make test   install and run the test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint check messages clean-var

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m exchange.launcher

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

messages: install
	$(BIN)/python manage.py makemessages -l kk -l ru --no-obsolete --ignore=.venv --ignore=var --ignore=staticfiles \
		--ignore=test-artifacts --ignore=bench --ignore=tests --ignore=docs
	$(BIN)/python manage.py compilemessages --ignore=.venv


clean-var:
	rm -rf var/
