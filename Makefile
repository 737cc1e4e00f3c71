# GramFlow: set-up, demo, tests, validations and benchmarks.
# `make demo` and `make test` install what is missing on a Debian machine first.

SWIFT        ?= swift
APT_PACKAGES := libgsl-dev libopenblas-dev liblapacke-dev libsleef-dev gnuplot-nox zlib1g-dev parallel
GRAMFLOW     := .build/release/gramflow
DEMO_OUT     ?= demo-output

.PHONY: deps build demo test validate bench derivations clean

## deps: install the missing apt packages (as root, or with sudo)
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	  else echo "error: need root or sudo to install:$$missing" >&2; exit 1; fi; \
	  echo "installing:$$missing"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## build: release build of the gramflow tool
build: deps
	$(SWIFT) build -c release --product gramflow

## demo: the default study, theory against a finite network on the filter task
demo: build
	$(GRAMFLOW) validate --task filter --rank 1 --neurons 500 --epochs 2000 --lr 5e-3 \
	  --dt 0.05 --steps 400 --seed 1 --plot --out $(DEMO_OUT)
	@echo
	@sed -n '1,14p' $(DEMO_OUT)/report.md
	@echo
	@echo "figures: $(DEMO_OUT)/deviation.png, $(DEMO_OUT)/theory/*.png, $(DEMO_OUT)/network/*.png"

## test: the test suite (includes reduced validations; NumPy checks GramFlow's .npy/.npz files, installed with pip if missing)
test: deps
	@python3 -c 'import numpy' 2>/dev/null || { echo "installing numpy with pip"; \
	  python3 -m pip install --quiet numpy 2>/dev/null || python3 -m pip install --quiet --user --break-system-packages numpy; }
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing

## validate: the full validations, reports written under validation/ (installs sympy with pip if missing)
validate: build
	GRAMFLOW=$(GRAMFLOW) bash validation/run-linear.sh
	GRAMFLOW=$(GRAMFLOW) bash validation/run-nonlinear.sh
	@python3 -c 'import sympy' 2>/dev/null || { echo "installing sympy with pip"; \
	  python3 -m pip install --quiet sympy 2>/dev/null || python3 -m pip install --quiet --user --break-system-packages sympy; }
	GRAMFLOW=$(GRAMFLOW) bash validation/run-symbolic.sh
	GRAMFLOW=$(GRAMFLOW) bash validation/run-sntk.sh
	GRAMFLOW=$(GRAMFLOW) bash validation/natural-gradient/run.sh
	GRAMFLOW=$(GRAMFLOW) bash validation/run-studies.sh
	GRAMFLOW=$(GRAMFLOW) bash validation/run-kpflow.sh
	GRAMFLOW=$(GRAMFLOW) bash validation/run-sweeps.sh
	GRAMFLOW=$(GRAMFLOW) bash validation/run-paper.sh
	GRAMFLOW=$(GRAMFLOW) bash validation/memory-map/run.sh

## derivations: regenerate the documents derivations/rankR-PHI-kK.md with the release binary
## (the cases SymbolicTests.DerivationDocumentTests checks)
derivations: build
	@for r in 1 2; do for p in linear erf; do for k in 1 2; do \
	  $(GRAMFLOW) derive --rank $$r --inputs $$k --outputs 1 --phi $$p --format markdown \
	    --out derivations/rank$$r-$$p-k$$k.md || exit 1; \
	  echo "wrote derivations/rank$$r-$$p-k$$k.md"; \
	done; done; done

## bench: the benchmarks (see Benchmarks/README.md)
bench: deps
	cd Benchmarks && $(SWIFT) package benchmark

clean:
	rm -rf .build $(DEMO_OUT)
