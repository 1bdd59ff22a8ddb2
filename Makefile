# Recoverly: `make demo` to see it work, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= sqlite:///./recoverly.db
DEMO_ACCOUNTS ?= 5000
# The synthetic portfolio's arrears are counted to this date; the API answers as of it.
DEMO_DATE ?= 2026-03-09
WORKERS ?= 2

# Debian packages the product needs: a font with CJK glyphs for letters (PDF); openssl,
# whose `openssl ts` is the local time-stamping authority the evidence tests stamp with.
DEBIAN_PACKAGES := fonts-wqy-microhei openssl
SYSTEM_STAMP := $(VENV)/.system

.PHONY: demo test lint install clean system

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Installs the Debian packages when one is missing (as root, or through sudo).
$(SYSTEM_STAMP): | $(BIN)/python
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		echo "installing Debian packages: $$missing"; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi
	touch $(SYSTEM_STAMP)

system: $(SYSTEM_STAMP)

install: $(STAMP) $(SYSTEM_STAMP)

demo: $(STAMP) $(SYSTEM_STAMP)
	RECOVERLY_DATABASE_URL=$(DEMO_DB) RECOVERLY_BUSINESS_DATE=$(DEMO_DATE) \
		$(BIN)/recoverly demo --accounts $(DEMO_ACCOUNTS)
	RECOVERLY_DATABASE_URL=$(DEMO_DB) RECOVERLY_BUSINESS_DATE=$(DEMO_DATE) \
		$(BIN)/recoverly serve --host 127.0.0.1 --port 8000

test: $(STAMP) $(SYSTEM_STAMP)
	$(BIN)/pytest -n $(WORKERS) -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .demo recoverly.db*
