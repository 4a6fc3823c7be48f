# Beyond Protocol: two commands do all the set-up on a fresh machine with Python 3.11.
#   make reproduce   create .venv from the pinned versions, install the package, re-run the analyses
#   make test        same bootstrap, then the whole test suite
# The pinned environment is CPython 3.11 (byte-identical outputs); the package itself supports 3.11-3.13
# (make wheel-smoke installs and checks the wheel on each).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet

.DEFAULT_GOAL := help
.PHONY: help reproduce test validate codebook lock clean clean-venv bench report paper paper-pdf dist wheel-smoke

help:
	@echo "make reproduce  - set up .venv (if needed) and re-run every analysis headlessly (figures/, tables/)"
	@echo "make test       - set up .venv (if needed) and run the whole test suite"
	@echo "make report     - build reports/index.html from the last run (offline site of every exhibit)"
	@echo "make paper      - run the analyses if needed, then build paper/main.tex into build/paper/main.pdf (needs TeX)"
	@echo "make validate   - check data/ against datapackage.json and the cross-field rules"
	@echo "make codebook   - regenerate docs/codebook.md"
	@echo "make dist       - build the sdist and the wheel into build/dist/ and check them with twine"
	@echo "make wheel-smoke - build, then install and smoke-test the wheel on Python 3.11, 3.12, 3.13 (needs the index)"
	@echo "make lock       - re-resolve requirements.lock from pyproject.toml (needs network)"

# The environment is rebuilt whenever the pins or the project metadata change.
$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11" >&2; exit 2; }
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 11) else f"error: Python 3.11 is required, {sys.executable} is {v[0]}.{v[1]}")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation -e .   # build backend (hatchling) pinned in the lock
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

# Re-resolve the pins in a scratch environment (environment.yml installs requirements.lock itself).
lock:
	rm -rf build/lockenv
	$(PYTHON) -m venv build/lockenv
	build/lockenv/bin/python -m pip --disable-pip-version-check --quiet install ".[notebooks,test]"
	{ echo "# Exact versions of every package the project installs (runtime, notebooks extra, tests, build and twine),"; \
	  echo "# resolved for CPython 3.11. Regenerate with: make lock   (environment.yml installs this file; tests/test_environment.py checks)"; \
	  build/lockenv/bin/python -m pip freeze --exclude-editable | grep -v '^beyond-protocol' ; } > requirements.lock
	rm -rf build/lockenv

# The sdist and the wheel (the data package and the notebooks inside: hatch_build.py), checked by twine.
DIST ?= build/dist
dist: $(STAMP)
	rm -rf $(DIST)
	$(BIN)/python -m build --no-isolation --outdir $(DIST) .
	$(BIN)/python -m twine check --strict $(DIST)/*

# Build, then install the wheel in fresh venvs of Python 3.11, 3.12 and 3.13 and run the commands
# from a directory outside the checkout (dependencies from the index, constrained by the lock).
wheel-smoke: $(STAMP)
	bash .ci/wheel-smoke

clean:
	rm -rf build .pytest_cache

clean-venv:
	rm -rf $(VENV)
