# Parcours — see README.md. `make test` is what CI runs.
GO      ?= go
PKGS    ?= ./...
TIMEOUT ?= 30m
# The browser tests run first and alone when the whole tree is tested.
# Side by side with the HTTP tests (internal/web) on two cores, a
# browser's tab waited minutes for its turn of the processor, and once a
# tab's deadline passed mid-message the shared browser stopped answering
# every other tab: the run failed after TIMEOUT on a slower machine of
# the same kind. Alone they take 8.5 minutes there, then the rest 5 to 6,
# internal/web named first as the longest.
BROWSER_PKG := ./internal/web/browsertest
GOTEST = PARCOURS_REQUIRE_AXE=1 $(GO) test -count=1 -timeout $(TIMEOUT)

.PHONY: build test lint bench demo clean

build:
	$(GO) build -o bin/parcours ./cmd/parcours

# Everything: unit tests, storage and HTTP tests on SQLite and PostgreSQL,
# browser tests. With CI=true a missing PostgreSQL or browser fails.
# go.mod must be tidy: a dependency added without `go mod tidy` fails here.
# axe-core (the accessibility checks of the browser tests) is installed
# here when missing, and its absence then fails them: never skipped.
test:
	$(GO) mod tidy -diff
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund
	$(GO) vet $(PKGS)
ifeq ($(PKGS),./...)
	@status=0; \
	$(GOTEST) $(BROWSER_PKG) || status=1; \
	$(GOTEST) ./internal/web $$($(GO) list ./... | grep -v -e '/internal/web/browsertest$$' -e '/internal/web$$') || status=1; \
	exit $$status
else
	$(GOTEST) $(PKGS)
endif

# staticcheck 0.8.x is the release line that supports Go 1.26.
lint:
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

# Benchmarks and load runs against a real `parcours serve` on 127.0.0.1;
# rewrites BENCHMARKS.md (after each backend). By default 500,000 persons
# (~5 M journal entries) on both backends, from databases cached outside
# the repository (BENCH_CACHE, ~/.cache/parcours-bench): the first run
# seeds them (long), later runs reuse them. Scale with BENCH_PERSONS,
# BENCH_DURATION (10s per measure), BENCH_WARMUP (3s), BENCH_USERS (16),
# BENCH_OPEN_WINDOWS (3: the open loop's windows of BENCH_DURATION after its
# warm-up, the median one reported),
# BENCH_BACKENDS (sqlite,postgres), BENCH_GOBENCH (0), BENCH_SCENARIOS (parts of
# scenario names to run alone, e.g. "search,add"; all by default; the
# audit overhead, audit verify, overload and export steps run only in a full run or
# when named);
# BENCH_OUT (the report, BENCHMARKS.md; point a partial run elsewhere);
# BENCH_SEED_ONLY=1
# seeds the missing cached databases and measures nothing; BENCH_ONLY=export
# measures only the 500,000-row export's peak memory, into
# docs/export-memory.md (the full run reports it in BENCHMARKS.md). `make
# test` never runs it.
BENCH_OUT ?= BENCHMARKS.md
bench: build
	$(GO) run ./internal/bench/cmd/benchreport -bin bin/parcours -out $(BENCH_OUT)

demo:
	$(GO) run ./cmd/parcours demo

clean:
	rm -rf bin
