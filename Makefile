# make run  : set up, migrate, fill demo data on an empty store, start on http://localhost:8501
#             (a store that is not the demo's is left alone; DEMO=0 make run: no demo data at all,
#             the first page then creates the administrator, or python -m services.first_admin)
# make serve: the same behind nginx, several app processes (PROCS=N)
# make test : set up (incl. PostgreSQL, Chromium) and run every test
PY := .venv/bin/python
# The port and address from the environment: PORT, or Streamlit's own STREAMLIT_SERVER_PORT (a
# --server.port on the command line would override that variable, so it is read here).
PORT ?= $(or $(STREAMLIT_SERVER_PORT),8501)
ADDRESS ?= $(or $(STREAMLIT_SERVER_ADDRESS),127.0.0.1)
DEMO ?= 1
export DEMO

.PHONY: run serve test setup setup-test migrate demo bench clean

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

migrate: setup
	$(PY) -m db.migrate

demo: migrate
	$(PY) -m demo

# The worker (outbox delivery, schedule) runs beside the app and stops with it.
run: demo
	@$(PY) -m worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) -m streamlit run app.py --server.port=$(PORT) --server.address=$(ADDRESS) --server.headless=true

# Several app processes behind nginx on one address (PROCS=N, default one per CPU; DATABASE_URL of
# one PostgreSQL for real use): scripts/serve.sh, README "Running on several processes / machines".
serve:
	@PORT=$(PORT) ADDRESS=$(ADDRESS) bash scripts/serve.sh

# Two workers (xdist): the browser files on one, sharing one app server and one Chromium, the other
# files spread over both, each file whole on one worker (tests/conftest.py groups them). In the
# order collected, so the longest group (the browser files, first) starts first, not last.
TEST_WORKERS ?= 2
test: setup-test
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

bench: setup
	$(PY) -m bench.run

clean:
	rm -rf data/*.db data/*.db-wal data/*.db-shm .pytest_cache
