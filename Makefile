# LayoffStats — the two quick-start commands are `make report` and `make test`.
# Both install missing Debian packages first (idempotent: apt-get runs only when
# something is missing).

SWIFT        ?= swift
APT_PACKAGES := libopenblas-dev liblapacke-dev r-mathlib pkg-config
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
REPORT_OUT   ?= layoffs-report.md

.PHONY: deps build release report test test-portable notebooks fuzz clean help

help:
	@echo "make report   build (release) and write the full report on the embedded data"
	@echo "make test     run the whole test suite (what CI runs)"
	@echo "make deps     install the Debian packages the build needs (idempotent)"
	@echo "make notebooks  re-run the notebooks in Notebooks-md/ and update their outputs"
	@echo "make fuzz     run each libFuzzer target (SECONDS_PER_TARGET=60)"
	@echo "make test-portable  the accuracy suites in the portable build (-DSTATKIT_PORTABLE)"

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	else echo "Debian packages present: $(APT_PACKAGES)"; fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product layoffs

report: release
	./.build/release/layoffs report --out $(REPORT_OUT)

test: deps
	$(SWIFT) test --parallel
	$(SWIFT) build --product layoffs
	./.build/debug/layoffs notebook check Notebooks-md/*.md

# The least-squares accuracy suites in the portable build (what arm64 and macOS compile).
test-portable: deps
	$(SWIFT) test --scratch-path .build-portable -Xswiftc -DSTATKIT_PORTABLE \
	  --filter 'NIST|Polynomial|Statsmodels|WideDesign|RegressionEdge|StreamingReference'

notebooks: deps
	$(SWIFT) build --product layoffs
	./.build/debug/layoffs notebook run Notebooks-md/*.md

fuzz: deps
	bash scripts/fuzz.sh $(or $(SECONDS_PER_TARGET),60)

clean:
	rm -rf .build
