# adshift — two commands set everything up: `make demo` and `make test`.
GO      ?= go
BIN     := bin/adshift
PKGS    := ./...
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: help build test demo bench bench-compare mutate lint deps clickhouse-up clickhouse-down clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

build: ## build bin/adshift
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/adshift

deps: ## install what the tests and demo need (ClickHouse, kcat) when missing
	@scripts/deps.sh

test: deps clickhouse-up ## run unit and integration tests (starts ClickHouse; leaves it running)
	$(GO) test -count=1 -timeout 30m $(PKGS)

demo: deps build clickhouse-up ## run the whole flow end to end on the embedded broker and print the report
	@scripts/demo.sh

bench: deps clickhouse-up ## run the benchmarks one package at a time; a table of every ratio and its target (var/bench/summary.json)
	@scripts/bench.sh

bench-compare: deps clickhouse-up ## benchmarks of BASE=<rev> and HEAD side by side, run in turn (ROUNDS=4)
	@$(if $(BASE),,$(error make bench-compare needs BASE=<revision>, e.g. BASE=HEAD~3))scripts/bench-compare.sh $(BASE) HEAD $(or $(ROUNDS),4)

mutate: deps clickhouse-up ## mutation score of pipeline/... and schemas (SINCE=<rev>: changed packages only; N=60 per package); var/mutation/summary.json
	$(GO) run ./scripts/mutate -n $(or $(N),60) $(if $(SINCE),-since $(SINCE)) -v $(or $(MUTATE_PKGS),./pipeline/... ./schemas)

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

clickhouse-up: ## start the local ClickHouse server (data under var/clickhouse)
	@scripts/clickhouse.sh up

clickhouse-down: ## stop the local ClickHouse server
	@scripts/clickhouse.sh down

clean: ## remove build output and local server data (stops ClickHouse first)
	@scripts/clickhouse.sh down
	rm -rf bin var
