# ldncare — the two commands a newcomer needs are `make run` and `make test`.
# Everything else here is what those two need: a virtual environment installed from the
# hashed lock (re-installed only when the lock changes) and Debian's Chromium for the
# browser tests.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test test-postgres lint bootstrap browser system-libs clean

run: $(STAMP) system-libs
	$(BIN)/ldncare run --host $(HOST) --port $(PORT)

test: $(STAMP) browser
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(PYTEST_WORKERS)

# The database-backed tests again, on PostgreSQL (CI runs this after `make test`).
test-postgres: $(STAMP) browser
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -m dbtest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

bootstrap: $(STAMP)

$(STAMP): requirements/lock.txt requirements/bootstrap.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/bootstrap.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements/lock.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# Debian packages: Pango for WeasyPrint's PDF visit reports (`make run` and `make test`),
# and Chromium, which Playwright drives for the browser tests (`make test`; no browser
# download: the network only reaches the package registries).
APT_INSTALL = SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends

system-libs:
	@ldconfig -p | grep -q libpangoft2-1.0 || { \
	  echo "Installing Pango from Debian's packages (PDF visit reports)"; \
	  $(APT_INSTALL) libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

browser: system-libs
	@test -x /usr/bin/chromium || { \
	  echo "Installing Chromium from Debian's packages for the browser tests"; \
	  $(APT_INSTALL) chromium fonts-dejavu-core >/dev/null; }

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# The long reliability runs (minutes): the crash loop (20 SIGKILLs of `ldncare run` during
# writes) and the load test on SQLite and PostgreSQL. Figures go to docs/reliability.md.
.PHONY: soak
soak: $(STAMP)
	$(BIN)/python bench/reliability.py --kills 20
	$(BIN)/python bench/load.py --engine both --seconds 20

# Regenerate every screenshot in docs/img/ (throw-away databases; var/ldncare.sqlite3 is untouched).
.PHONY: screenshots
screenshots: $(STAMP) browser
	$(BIN)/python docs/screenshots_library.py
	$(BIN)/python docs/screenshots_booking.py
	$(BIN)/python docs/screenshots_care_team.py
	LDNCARE_DOCS_SCREENSHOTS=1 DATABASE_URL=sqlite:///var/screenshots-test.sqlite3 $(BIN)/pytest -q -p no:cacheprovider tests/e2e/test_patient_journey.py
