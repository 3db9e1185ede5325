# The Python that .python-version selects (3.12, the Dify plugin runtime's).
PYTHON_VERSION := $(shell cat .python-version)
BASE_PYTHON ?= $(shell pyenv which python 2>/dev/null || command -v python$(PYTHON_VERSION))
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install test package catalog try bench quota clean

$(STAMP): requirements.txt requirements-dev.txt .python-version
	@$(BASE_PYTHON) -c 'import sys; v = "$(PYTHON_VERSION)"; assert sys.version.startswith(v), f"need Python {v}, got {sys.version}"'
	$(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q

package: $(STAMP)
	$(PY) -m tools.package

catalog: $(STAMP)
	@test -n "$(SOURCE)" || { echo "usage: make catalog SOURCE=<models JSON file or URL> [EMBEDDINGS_SOURCE=<embeddings models JSON file or URL>]"; exit 2; }
	$(PY) -m tools.catalog "$(SOURCE)" $(if $(EMBEDDINGS_SOURCE),--embeddings "$(EMBEDDINGS_SOURCE)")

try: $(STAMP)
	$(PY) -m tools.try_plugin --prompt "$(or $(PROMPT),Say hello in one short sentence.)" $(if $(MODEL),--model "$(MODEL)")

bench: $(STAMP)
	$(PY) -m bench.run

quota: $(STAMP)
	$(PY) -m tools.quota

clean:
	rm -rf $(VENV) dist .pytest_cache
