# Inspector Workstation: set-up, run and test on a fresh Debian/Ubuntu machine.
#   make run    set everything up, then open the workstation (demo library on first start)
#   make test   set everything up, then lint, check the architecture and run the whole test suite

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml tools/install_system_deps.sh
	tools/install_system_deps.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,postgres,train]"
	touch $(STAMP)

run: setup
	$(VENV)/bin/inspector-app --demo

test: setup
	$(VENV)/bin/ruff check inspector_app vision reference_library reports tools tests
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: setup
	$(PY) tools/bench_library.py
	$(PY) tools/bench_vision.py
	$(PY) tools/bench_classifier.py
	$(PY) tools/bench_reports.py
	$(PY) tools/bench_audit.py
	$(PY) tools/bench_audit.py --db-url postgresql+psycopg://postgres@127.0.0.1:5432/test --rows 1000000
	$(PY) -m tools.bench_suggest
	$(PY) tools/bench_audit_browser.py
	$(PY) tools/bench_ui.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
