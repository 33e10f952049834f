# Two commands on a bare machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

DEMO_ADDR ?= 127.0.0.1:8000

demo: install
	$(BIN)/python manage.py demo $(DEMO_ADDR)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# makemessages needs GNU gettext (xgettext); compiling does not (pure Python, deterministic).
messages: install
	$(BIN)/python manage.py makemessages -l en --no-location --ignore=.venv --ignore=var \
		--ignore='*/migrations/*' --ignore=tests --ignore=bench --ignore=test-artifacts
	$(BIN)/python manage.py compile_translations

bench: install
	$(BIN)/python bench/run.py
