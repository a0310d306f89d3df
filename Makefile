# tailorseq: `make demo` sets up and runs the pipeline on the bundled demo; `make test` runs the tests.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
CORES ?= all
# Debian/Ubuntu packages for the external tools (libhts-dev gives mosdepth its libhts.so).
APT_PACKAGES := bwa samtools bcftools tabix fastp minimap2 freebayes mosdepth delly libhts-dev \
	salmon gffread
TOOLS := bwa samtools bcftools tabix bgzip fastp minimap2 freebayes mosdepth delly salmon gffread
# Simulated reads (dwgsim) for the benchmarks, the variant score's training and its tests.
BENCH_APT_PACKAGES := dwgsim
TEST_APT_PACKAGES := chromium poppler-utils $(BENCH_APT_PACKAGES)
DEMO := resources/demo/.complete
# Snakemake's jobs find MultiQC and the other Python tools in the virtualenv.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help setup tools test-tools bench-tools demo test lint bench train-score clean

help:
	@echo "make demo   set everything up and run the pipeline on the bundled demo"
	@echo "make test   set everything up and run lint, unit and integration tests"
	@echo "make bench  run the benchmarks in bench/ (needs ../shared/data)"
	@echo "make train-score  retrain the germline variant score (resources/germline_score)"

setup: tools $(VENV)/.installed

# Install Debian packages $(2) when any command of $(1) is missing (root or passwordless sudo),
# else say exactly what to run.
define apt_install
	@missing=""; for tool in $(1); do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	$(3) \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "tailorseq: missing:$$missing"; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo"; else \
	  echo "Install them with: sudo apt-get install $(2)"; \
	  echo "or run the pipeline with tools from conda: snakemake --sdm conda ..."; exit 1; fi; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $(2) >/dev/null
endef

tools:
	$(call apt_install,$(TOOLS),$(APT_PACKAGES),mosdepth --version >/dev/null 2>&1 || missing="$$missing mosdepth";)

# The report tests open the HTML in a real browser and read its PDF; the score's simulate.
test-tools:
	$(call apt_install,chromium pdfinfo dwgsim,$(TEST_APT_PACKAGES),)

$(VENV)/.installed: requirements.txt pyproject.toml Makefile
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	# pypgx only for its knowledge tables (read as files, never imported): not its heavy deps.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps pypgx==0.27.0
	# The package, editable (this checkout's scripts/tailorseq, and the `tailorseq` command); its
	# dependencies are pinned above. Older setups wrote a tailorseq.pth by hand: removed.
	rm -f "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/tailorseq.pth"
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --editable .
	touch $@

$(DEMO): $(VENV)/.installed $(wildcard scripts/tailorseq/demo/*.py) resources/demo_plan.yaml
	$(PY) -m tailorseq demo --out resources/demo
	touch $@

demo: setup $(DEMO)
	$(VENV)/bin/snakemake --cores $(CORES) --configfile config/config.yaml
	@echo; echo "Demo results: $$(pwd)/results (one folder per sample; run report: results/run/multiqc.html)"

lint: setup $(DEMO)
	$(VENV)/bin/ruff check scripts tests bench
	$(VENV)/bin/snakefmt --check workflow
	$(VENV)/bin/snakemake --lint --configfile config/config.yaml

# Two workers: the integration tests' pipelines leave a core idle for much of their time. Each
# test file runs whole on one worker (its module fixtures made once), in collection order, so
# the long integration files start first and the unit files fill in at the end; the session's
# shared demo run is made by each worker that needs it. (Not --dist loadgroup: with pytest 9.2
# it ignores the groups, pytest-xdist issue #1386.)
TEST_WORKERS ?= 2

test: lint test-tools
	$(VENV)/bin/pytest -q --numprocesses $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

bench-tools:
	$(call apt_install,dwgsim,$(BENCH_APT_PACKAGES),)

bench: setup bench-tools $(DEMO)
	for script in $(filter-out bench/common.py bench/train_score.py,$(wildcard bench/*.py)); do \
	  $(PY) $$script || exit 1; done

train-score: setup bench-tools
	$(PY) bench/train_score.py

clean:
	rm -rf results work logs benchmarks .snakemake resources/demo
