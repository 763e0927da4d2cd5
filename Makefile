# Fazhi Graph — every target installs what it needs on a fresh machine.
SHELL := /bin/bash
UV := python3 -m uv
export UV_LINK_MODE ?= copy
# Installed libraries keep their compiled bytecode, so `fazhi` starts in about a second even in
# shells that never write .pyc files (PYTHONDONTWRITEBYTECODE): `python -m bench.cli` measures it.
export UV_COMPILE_BYTECODE ?= 1
# Each command's prerequisites, checked up front: one line says what is missing and how to
# install it (as root, --install apt-gets it first). devtools/prerequisites.py: stdlib only.
CHECK := python3 -m devtools.prerequisites
GRAPHIQL := web/graphiql/node_modules/.installed

.PHONY: help setup browser test lint typecheck pytest run serve neo4j neo4j-stop bench clean

help:
	@echo "make run   — ingest the bundled sample reports and serve the explorer on http://127.0.0.1:8000/"
	@echo "            and GraphQL (GraphiQL in a browser) on http://127.0.0.1:8000/graphql"
	@echo "make test  — ruff, mypy (strict) and the whole pytest suite, Neo4j included"

setup: .venv/.synced $(GRAPHIQL)

.venv/.synced: pyproject.toml uv.lock
	@$(CHECK) --install run
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen
	@touch $@

# GraphiQL's browser files, pinned in web/graphiql/package-lock.json, served by the API offline.
$(GRAPHIQL): web/graphiql/package-lock.json
	@$(CHECK) --install run
	npm ci --prefix web/graphiql --no-audit --no-fund --loglevel=error
	@touch $@

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

typecheck: setup
	$(UV) run --frozen mypy

pytest: setup browser
	@$(CHECK) --install test
	$(UV) run --frozen pytest

# The browser tests drive Debian's headless chromium; CJK fonts so screenshots show Chinese.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || [ -z "$$(fc-list :lang=zh 2>/dev/null)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fontconfig; \
	  else \
	    echo "make browser: chromium or CJK fonts missing; as root run: apt-get install chromium fonts-noto-cjk" >&2; exit 1; \
	  fi; \
	fi

test: lint typecheck pytest

run: setup
	$(UV) run --frozen fazhi ingest samples/reports --store memory
	$(UV) run --frozen fazhi serve --example

serve: setup
	$(UV) run --frozen fazhi serve

neo4j: setup
	@$(CHECK) --install neo4j
	$(UV) run --frozen python -m devtools.neo4j_local start

neo4j-stop: setup
	$(UV) run --frozen python -m devtools.neo4j_local stop

bench: setup
	$(UV) run --frozen python -m bench.extraction

clean:
	rm -rf .venv .fazhi .mypy_cache .ruff_cache .pytest_cache web/graphiql/node_modules
