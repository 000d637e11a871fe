# AuroraStream: two commands set everything up on a fresh machine.
#   make run    the main job on embedded defaults
#   make test   install what is missing (as root), build, run every test
#   make bench  speed and memory figures (reported in README.md)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
DOTNET ?= dotnet
CONFIG ?= Release
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

CLI := $(DOTNET) run --project src/AuroraStream.Cli -c $(CONFIG) --no-launch-profile --
TEST_LOG := TestResults/test-output.log

.PHONY: all run test bench build deps clean

all: build

deps:
	@bash .ci/deps.sh

build: deps
	$(DOTNET) build AuroraStream.sln -c $(CONFIG) -warnaserror -nologo -v quiet

run: build
	$(CLI) inspect samples

test: build
	@mkdir -p TestResults
	@$(DOTNET) test AuroraStream.sln -c $(CONFIG) --no-build --nologo 2>&1 | tee $(TEST_LOG); \
	status=$${PIPESTATUS[0]}; \
	awk '/(Passed|Failed)! +- +Failed:/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($$i == "Failed:") f += $$(i+1); if ($$i == "Passed:") p += $$(i+1); if ($$i == "Skipped:") s += $$(i+1) } } \
	     END { printf "%d passed, %d failed, %d skipped\n", p, f, s; if (p == 0) exit 1 }' $(TEST_LOG); \
	exit $$status

bench: build
	$(DOTNET) run --project bench/AuroraStream.Benchmarks -c $(CONFIG) --no-build -- $(BENCH_ARGS)

clean:
	$(DOTNET) clean AuroraStream.sln -c $(CONFIG) -nologo -v quiet
	rm -rf TestResults out
