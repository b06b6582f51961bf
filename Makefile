# make run  : set up, migrate, fill demo data on an empty store, start on http://localhost:8501
# make test : set up (incl. PostgreSQL, Chromium) and run every test
PY := .venv/bin/python
PORT ?= 8501

.PHONY: run test setup setup-test migrate demo bench clean

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

migrate: setup
	$(PY) -m db.migrate

demo: migrate
	$(PY) -m db.demo

run: demo
	$(PY) -m streamlit run app.py --server.port=$(PORT) --server.headless=true

test: setup-test
	$(PY) -m pytest

bench: setup
	$(PY) -m bench.run

clean:
	rm -rf data/*.db data/*.db-wal data/*.db-shm .pytest_cache
