# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)

.PHONY: run test lint format check-compose clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

run: export DEBUG = true
run: $(VENV)/.installed
	mkdir -p var
	python manage.py migrate --noinput
	python manage.py demo_user
	python manage.py register_local_resource --url http://127.0.0.1:8000 --region westus
	python manage.py register_local_resource --url http://127.0.0.1:8000 --region westeurope
	python manage.py seed_demo
	@echo "Portal on http://127.0.0.1:8000 (Ctrl-C stops web, worker and beat)"
	honcho start -f Procfile -p 8000

test: $(VENV)/.installed-dev
	ruff check .
	ruff format --check .
	pytest

lint: $(VENV)/.installed-dev
	ruff check --fix .
	ruff format .

check-compose:
	SECRET_KEY=x PORTAL_ENCRYPTION_KEY=x POSTGRES_PASSWORD=x docker-compose -f docker-compose.yml config -q

clean:
	rm -rf var/broker var/cache
