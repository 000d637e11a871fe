# AuroraStream: two commands set everything up on a fresh machine.
#   make run    the main job on embedded defaults (needs only the .NET SDK)
#   make test   install what is missing (as root), build, run every test
#   make install  the aurorastream command in $(PREFIX)/bin (default ~/.local/bin); make uninstall
#   make bench  speed and memory figures (reported in docs/performance.md)
#   make test-storm  the trainer's tests with garbage collected without pause (see docs/troubleshooting.md)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
DOTNET ?= dotnet
CONFIG ?= Release
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

CLI := $(DOTNET) run --project src/AuroraStream.Cli -c $(CONFIG) --no-launch-profile --

# make install: the published CLI (framework-dependent) and the default model in $(LIBDIR), a
# launcher in $(BINDIR). The launcher runs the dotnet host found at install time.
PREFIX ?= $(HOME)/.local
LIBDIR = $(PREFIX)/lib/aurorastream
BINDIR = $(PREFIX)/bin
RID ?= linux-x64
DOTNET_HOST = $(shell realpath "$$(command -v $(DOTNET))")
TEST_LOG := TestResults/test-output.log

MODEL_WORK ?= out/model-training
# The labelled real frames (tests/data/real-skies/real-skies-labels.csv says what each shows and how that was decided).
REAL_FRAMES := tests/data/themis-asi/stream0-pgm tests/data/themis-asi/l1-cdf/thg_l1_asf_gako_2011010617_v01.cdf tests/data/themis-asi/stream0-from-npz
MODEL_NOTES := Trained on this repository's data only: synthetic all-sky frames from the projected generator (aurora at 110 km through the fisheye, airglow, twilight, horizon), hybrids (real clear frames with synthetic aurora), the 163 labelled real THEMIS frames of three site-nights (tests/data/real-skies) and the 10 OATH images available here. Its real-sky figures come from three site-nights and one OATH night: the leave-one-scene-out results in this card are the honest estimate of skill on a night it has not seen; frames unlike its training data are labelled uncertain. Retrain on the full OATH v1.1 set and archive frames for science use.

.PHONY: all run test test-storm bench build deps deps-test clean model install uninstall

all: build

# What building needs beyond the SDK: patchelf and g++, only where libstdc++ predates GLIBCXX_3.4.32
# (TorchSharp; build/torchsharp-glibcxx). Without them the build still succeeds and says that
# train, evaluate oath and export will not load libtorch.
deps:
	@bash .ci/deps.sh build

# What the tests need: a real InfluxDB 1.x server and docker-compose (to validate docker-compose.yml).
deps-test:
	@bash .ci/deps.sh test

build: deps
	$(DOTNET) build AuroraStream.sln -c $(CONFIG) -warnaserror -nologo -v quiet

# The demo needs only the SDK: it builds the CLI alone and installs nothing.
run:
	$(CLI) demo

# A framework-dependent publish carries libtorch, ONNX Runtime and SkiaSharp for every platform;
# only $(RID)'s are kept. The default model and the sample archive (for demo) go beside the CLI, where DefaultModel finds them.
install: deps
	$(DOTNET) publish src/AuroraStream.Cli -c $(CONFIG) -o "$(LIBDIR)" -nologo -v quiet
	@for d in "$(LIBDIR)"/runtimes/*; do case "$${d##*/}" in $(RID)|linux|unix) ;; *) rm -rf "$$d" ;; esac; done
	mkdir -p "$(LIBDIR)/onnx-models" "$(BINDIR)"
	cp onnx-models/*.onnx onnx-models/*.card.json onnx-models/*.md "$(LIBDIR)/onnx-models/"
	rm -rf "$(LIBDIR)/samples" && cp -r samples "$(LIBDIR)/samples"
	printf '#!/bin/sh\n# aurorastream, installed by make install from %s\nexec "%s" "%s/aurorastream.dll" "$$@"\n' "$(CURDIR)" "$(DOTNET_HOST)" "$(LIBDIR)" > "$(BINDIR)/aurorastream"
	chmod 755 "$(BINDIR)/aurorastream"
	@echo "installed $(BINDIR)/aurorastream ($$(du -sh "$(LIBDIR)" | cut -f1) in $(LIBDIR))"
	@case ":$$PATH:" in *":$(BINDIR):"*) ;; *) echo "note: $(BINDIR) is not on PATH; add it, e.g. echo 'export PATH=\"$(BINDIR):\$$PATH\"' >> ~/.profile";; esac

uninstall:
	rm -f "$(BINDIR)/aurorastream"
	rm -rf "$(LIBDIR)"

test: deps-test build
	@mkdir -p TestResults
	@$(DOTNET) test AuroraStream.sln -c $(CONFIG) --no-build --nologo 2>&1 | tee $(TEST_LOG); \
	status=$${PIPESTATUS[0]}; \
	{ grep -A2 -E '^  Failed [A-Za-z]' $(TEST_LOG) | grep -v -E '^(--|  Error Message:)$$' | cut -c1-300; } || true; \
	awk '/(Passed|Failed)! +- +Failed:/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($$i == "Failed:") f += $$(i+1); if ($$i == "Passed:") p += $$(i+1); if ($$i == "Skipped:") s += $$(i+1) } } \
	     END { printf "%d passed, %d failed, %d skipped\n", p, f, s; if (p == 0) exit 1 }' $(TEST_LOG); \
	exit $$status

# The Training tests with a collection storm through the whole run: catches TorchSharp objects
# freed while libtorch still reads them on every path, not only those the storm tests cover.
test-storm: build
	AURORASTREAM_TEST_GC_STORM=1 $(DOTNET) test tests/AuroraStream.Training.Tests -c $(CONFIG) --no-build --nologo

bench: deps-test build
	$(DOTNET) run --project bench/AuroraStream.Benchmarks -c $(CONFIG) --no-build -- $(BENCH_ARGS)

# Reproduces the default model in onnx-models/. It builds the CLI alone (the tests are not needed) and runs
# the built CLI (`--no-build`). Measured times are in docs/training-and-models.md ("How long make model takes").
MODEL_CLI := $(DOTNET) run --project src/AuroraStream.Cli -c $(CONFIG) --no-launch-profile --no-build --
model: deps
	$(DOTNET) build src/AuroraStream.Cli -c $(CONFIG) -warnaserror -nologo -v quiet
	rm -rf $(MODEL_WORK)
	$(MODEL_CLI) train simclr $(REAL_FRAMES) --generator projected --synthetic 2000 --synthetic-seed 11 --size 64 --mask-radius 1.0 --steps 1200 --warmup 20 --batch 64 --lr 2e-3 --seed 1 --out $(MODEL_WORK)/simclr
	$(MODEL_CLI) train classifier $(REAL_FRAMES) --labels tests/data/real-skies/real-skies-labels.csv --encoder $(MODEL_WORK)/simclr --mask-radius 1.0 --generator projected --synthetic 1500 --synthetic-seed 21 --hybrid 300 --real-repeat 3 --oath tests/data/oath --head mlp --head-epochs 60 --fine-tune --fine-tune-augment --fine-tune-epochs 30 --fine-tune-lr 1e-3 --batch 32 --holdout-synthetic 1800 --holdout-seeds 6 --leave-one-scene-out --confidence --realism 400 --seed 7 --out $(MODEL_WORK)/classifier
	$(MODEL_CLI) evaluate oath --oath tests/data/oath --checkpoint $(MODEL_WORK)/classifier --report $(MODEL_WORK)/oath
	$(MODEL_CLI) export --checkpoint $(MODEL_WORK)/classifier --out onnx-models/aurorastream-compact.onnx --notes "$(MODEL_NOTES)"
	cp $(MODEL_WORK)/oath/oath-benchmark.md onnx-models/aurorastream-compact.oath-benchmark.md
	cp $(MODEL_WORK)/classifier/calibration-logits.csv onnx-models/aurorastream-compact.calibration-logits.csv

clean:
	$(DOTNET) clean AuroraStream.sln -c $(CONFIG) -nologo -v quiet
	rm -rf TestResults out
