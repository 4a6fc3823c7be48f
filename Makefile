# Beyond Protocol: two commands do all the set-up on a fresh machine with Python 3.11.
#   make reproduce   create .venv from the pinned versions, install the package, re-run the analyses
#   make test        same bootstrap, then the whole test suite
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet

.DEFAULT_GOAL := help
.PHONY: help reproduce test validate codebook lock clean clean-venv bench report paper paper-pdf

help:
	@echo "make reproduce  - set up .venv (if needed) and re-run every analysis headlessly (figures/, tables/)"
	@echo "make test       - set up .venv (if needed) and run the whole test suite"
	@echo "make report     - build reports/index.html from the last run (offline site of every exhibit)"
	@echo "make paper      - run the analyses if needed, then build paper/main.tex into build/paper/main.pdf (needs TeX)"
	@echo "make validate   - check data/ against datapackage.json and the cross-field rules"
	@echo "make codebook   - regenerate docs/codebook.md"
	@echo "make lock       - re-resolve requirements.lock from pyproject.toml (needs network)"

# The environment is rebuilt whenever the pins or the project metadata change.
$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11" >&2; exit 2; }
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 11) else f"error: Python 3.11 is required, {sys.executable} is {v[0]}.{v[1]}")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name beyond-protocol --display-name "Python 3.11 (beyond-protocol)" >/dev/null
	@touch $@

# Validates data and parameters first (exit 2, nothing run), then executes every notebook.
reproduce: $(STAMP)
	$(BIN)/beyond-protocol run
	$(BIN)/beyond-protocol report

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/beyond-protocol validate

codebook: $(STAMP)
	$(BIN)/beyond-protocol codebook

# reports/index.html: figures, tables, claims ledger, errata, notebooks and provenance, offline.
report: $(STAMP)
	$(BIN)/beyond-protocol report

# paper/main.tex with the exhibits of EXHIBITS (default: this directory's figures/ and tables/),
# built by latexmk in PAPER_OUT so no auxiliary file lands in paper/. TeX on Debian/Ubuntu:
#   sudo apt-get install --no-install-recommends texlive-latex-recommended latexmk
EXHIBITS  ?= $(CURDIR)
PAPER_OUT ?= $(CURDIR)/build/paper
paper: $(STAMP)
	$(BIN)/beyond-protocol run
	@$(MAKE) --no-print-directory paper-pdf

paper-pdf:
	@command -v latexmk >/dev/null && command -v pdflatex >/dev/null || { echo "error: latexmk/pdflatex not found; install TeX: sudo apt-get install --no-install-recommends texlive-latex-recommended latexmk" >&2; exit 2; }
	@test -f "$(EXHIBITS)/tables/macros.tex" || { echo "error: $(EXHIBITS)/tables/macros.tex not found; run make reproduce first" >&2; exit 2; }
	@mkdir -p "$(PAPER_OUT)"
	cd paper && TEXINPUTS="$(abspath $(EXHIBITS)):" SOURCE_DATE_EPOCH=946684800 FORCE_SOURCE_DATE=1 \
	  latexmk -pdf -interaction=nonstopmode -halt-on-error -quiet -outdir="$(abspath $(PAPER_OUT))" main.tex
	@echo "wrote $(PAPER_OUT)/main.pdf"

# Performance of the runner and the indicators on this machine (several minutes); writes
# benchmarks/results.md. A quick smoke run: $(BIN)/python benchmarks/run.py --quick
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Re-resolve the pins in a scratch environment; update environment.yml to match (a test checks).
lock:
	rm -rf build/lockenv
	$(PYTHON) -m venv build/lockenv
	build/lockenv/bin/python -m pip --disable-pip-version-check --quiet install ".[test]"
	{ echo "# Exact versions of every package the project installs (runtime + tests), resolved for CPython 3.11."; \
	  echo "# Regenerate with: make lock   (then update environment.yml to the same versions; tests/test_environment.py checks)"; \
	  build/lockenv/bin/python -m pip freeze --exclude-editable | grep -v '^beyond-protocol' ; } > requirements.lock
	rm -rf build/lockenv

clean:
	rm -rf build .pytest_cache

clean-venv:
	rm -rf $(VENV)
