# Parcours — see README.md. `make test` is what CI runs.
GO      ?= go
PKGS    ?= ./...
TIMEOUT ?= 14m

.PHONY: build test lint bench demo clean

build:
	$(GO) build -o bin/parcours ./cmd/parcours

# Everything: unit tests, storage and HTTP tests on SQLite and PostgreSQL,
# browser tests. With CI=true a missing PostgreSQL or browser fails.
test:
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout $(TIMEOUT) $(PKGS)

lint:
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.7.0 $(PKGS)

# Benchmarks and load runs; rewrites BENCHMARKS.md.
bench: build
	$(GO) run ./internal/bench/cmd/benchreport

demo:
	$(GO) run ./cmd/parcours demo

clean:
	rm -rf bin
