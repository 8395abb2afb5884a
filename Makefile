# oidc-trust — build, test, demo and bench.
#
#   make build   release wasm → wasm-bindgen → a complete npm package in pkg/ (generated files in pkg/dist/): the
#                default module (verify, keys, AWS policy, check) and the full one (`oidc-trust/full`: + the other
#                policy dialects and the test issuer)
#   make test    Rust tests (native), dependency-tree check, build, JS tests against the built package, and the
#                end-to-end tests (packed tarball in Node/Deno/Bun/workerd/Chromium, oidc-provider, CLI, types)
#   make demo    verify the bundled GitHub Actions token against GitHub's JWKS and print what was checked
#   make bench   verify throughput against jose, fast-jwt and jsonwebtoken; size; cold start; memory; issue 6's table
#
# Every target installs what it needs when it is missing (rustup target, wasm-bindgen CLI at the version in
# Cargo.lock, npm dev dependencies incl. binaryen's wasm-opt), so a fresh machine needs only Rust, Node 20 and npm.
# Shared test vectors are read from $(OIDC_TRUST_SHARED), default ../shared beside the repository.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build
.DELETE_ON_ERROR:

CARGO ?= cargo
NPM ?= npm
NODE ?= node
WASM_TARGET := wasm32-unknown-unknown
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CARGO_BIN):$(CURDIR)/node_modules/.bin:$(PATH)
export OIDC_TRUST_SHARED ?= $(abspath $(CURDIR)/../shared)

# The CLI must match the wasm-bindgen crate exactly, or the generated glue and the wasm disagree.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3; exit }' Cargo.lock)

TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
WASM_RAW := $(TARGET_DIR)/$(WASM_TARGET)/release/oidc_trust.wasm
DIST := pkg/dist
DIST_WASM := $(DIST)/oidc_trust_bg.wasm
DIST_GLUE := $(DIST)/oidc_trust.js
DIST_CJS := $(DIST)/node.cjs
# The full module (`oidc-trust/full`): its own cargo target directory, so that neither build invalidates the other.
WASM_RAW_FULL := $(TARGET_DIR)/full/$(WASM_TARGET)/release/oidc_trust.wasm
DIST_FULL_WASM := $(DIST)/oidc_trust_full_bg.wasm
DIST_FULL_GLUE := $(DIST)/oidc_trust_full.js
DIST_FULL_CJS := $(DIST)/full.cjs
DIST_INLINE := $(DIST)/oidc_trust_inline.js
DIST_FULL_INLINE := $(DIST)/oidc_trust_full_inline.js
PKG_SOURCES := $(wildcard pkg/src/*.js) pkg/package.json pkg/index.d.ts
NODE_STAMP := node_modules/.package-lock.json

# wasm-opt comes from the npm package `binaryen` (pinned in package-lock.json): Debian's binaryen 108 predates the
# externref/anyref split and emits a module whose externref table no longer loads. It must be told which post-MVP
# features rustc's wasm32 target emits by default.
WASM_OPT := node_modules/.bin/wasm-opt
WASM_OPT_FLAGS := -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	--enable-mutable-globals --enable-reference-types --enable-multivalue

.PHONY: build test test-rust test-deps-tree test-js test-types test-e2e e2e-deps test-browser demo bench \
	bench-memory bench-runtimes tools wasm-target wasm-bindgen-cli node-deps clean www serve presets fuzz

# ---------------------------------------------------------------------------------------------------------------
# Tools

tools: wasm-target wasm-bindgen-cli node-deps

wasm-target:
	@if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx '$(WASM_TARGET)'; then \
		echo "make: installing Rust target $(WASM_TARGET)"; rustup target add $(WASM_TARGET); fi

# `--locked` is deliberately absent: it fails on this registry for 0.2.130.
wasm-bindgen-cli:
	@test -n '$(WASM_BINDGEN_VERSION)' || { echo "make: wasm-bindgen not found in Cargo.lock" >&2; exit 1; }
	@if [ "$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}')" != '$(WASM_BINDGEN_VERSION)' ]; then \
		echo "make: installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
		$(CARGO) install wasm-bindgen-cli --version '$(WASM_BINDGEN_VERSION)' --force; fi

node-deps: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

# ---------------------------------------------------------------------------------------------------------------
# Build

build: $(DIST_CJS) $(DIST_INLINE) $(DIST_FULL_CJS) $(DIST_FULL_INLINE) pkg/README.md

# Cargo decides whether the wasm is stale; it leaves the file untouched when nothing changed.
# The default module has no `dialects` and no `test-issuer` (issue 8: verify-only users do not pay for them).
$(WASM_RAW): wasm-target FORCE
	$(CARGO) build --release --target $(WASM_TARGET) --no-default-features --features wasm --lib

$(WASM_RAW_FULL): wasm-target FORCE
	$(CARGO) build --release --target $(WASM_TARGET) --features wasm,dialects,test-issuer --lib \
		--target-dir $(TARGET_DIR)/full

# $(call bindgen,raw wasm,out name): wasm-bindgen, then wasm-opt. Optimisation is optional: when wasm-opt is
# unavailable or fails, the unoptimised module is kept (correct, larger).
define bindgen
	mkdir -p $(DIST) && rm -f $(DIST)/$(2).js $(DIST)/$(2).d.ts $(DIST)/$(2)_bg.wasm $(DIST)/$(2)_bg.wasm.d.ts
	wasm-bindgen --target web --out-dir $(DIST) --out-name $(2) $(1)
	@if [ -x $(WASM_OPT) ]; then \
		echo "wasm-opt $(WASM_OPT_FLAGS) $(DIST)/$(2)_bg.wasm"; \
		$(WASM_OPT) $(WASM_OPT_FLAGS) $(DIST)/$(2)_bg.wasm -o $(DIST)/$(2)_bg.wasm.opt \
			&& mv $(DIST)/$(2)_bg.wasm.opt $(DIST)/$(2)_bg.wasm \
			|| { rm -f $(DIST)/$(2)_bg.wasm.opt; echo "make: wasm-opt failed; keeping the unoptimised wasm" >&2; }; \
	else echo "make: wasm-opt not found; keeping the unoptimised wasm" >&2; fi
endef

$(DIST_GLUE) $(DIST_WASM) &: $(WASM_RAW) Cargo.lock | wasm-bindgen-cli node-deps
	$(call bindgen,$(WASM_RAW),oidc_trust)

$(DIST_FULL_GLUE) $(DIST_FULL_WASM) &: $(WASM_RAW_FULL) Cargo.lock | wasm-bindgen-cli node-deps
	$(call bindgen,$(WASM_RAW_FULL),oidc_trust_full)

# CommonJS is bundled from the ESM Node entry (one wasm, one glue for every entry); see pkg/README notes in README.md.
$(DIST_CJS): $(DIST_GLUE) $(DIST_WASM) $(PKG_SOURCES) | node-deps
	esbuild pkg/src/node.js --bundle --platform=node --format=cjs --target=node20 --log-level=warning \
		--define:import.meta.url=__oidc_trust_module_url \
		"--banner:js=const __oidc_trust_module_url = require('node:url').pathToFileURL(__filename).href;" \
		--outfile=$@

$(DIST_FULL_CJS): $(DIST_FULL_GLUE) $(DIST_FULL_WASM) $(PKG_SOURCES) | node-deps
	esbuild pkg/src/full-node.js --bundle --platform=node --format=cjs --target=node20 --log-level=warning \
		--define:import.meta.url=__oidc_trust_module_url \
		"--banner:js=const __oidc_trust_module_url = require('node:url').pathToFileURL(__filename).href;" \
		--outfile=$@

# The browser entry's fallback when a bundler does not emit the .wasm asset (see pkg/src/browser.js).
$(DIST_INLINE): $(DIST_WASM) scripts/inline-wasm.mjs
	$(NODE) scripts/inline-wasm.mjs $(DIST_WASM) $@

$(DIST_FULL_INLINE): $(DIST_FULL_WASM) scripts/inline-wasm.mjs
	$(NODE) scripts/inline-wasm.mjs $(DIST_FULL_WASM) $@

pkg/README.md: README.md
	cp README.md $@

FORCE:

# ---------------------------------------------------------------------------------------------------------------
# Test

test: test-rust test-deps-tree build test-types test-js test-e2e test-browser

test-rust:
	$(CARGO) test

# The core must build and test with no JavaScript in its dependency tree; only the `wasm` feature brings it in.
BINDING_CRATES := wasm-bindgen|js-sys|serde-wasm-bindgen|web-sys
test-deps-tree:
	@if $(CARGO) tree -e normal --prefix none | grep -E '^($(BINDING_CRATES)) '; then \
		echo "FAIL: binding crates in the native dependency tree (without --features wasm)" >&2; exit 1; fi
	@$(CARGO) tree -e normal --prefix none --features wasm --target $(WASM_TARGET) | grep -qE '^wasm-bindgen ' \
		|| { echo "FAIL: the dependency-tree check is vacuous: wasm-bindgen missing with --features wasm" >&2; exit 1; }
	@echo "ok: no wasm-bindgen/js-sys in the native dependency tree"

test-types: build
	tsc -p tests/types/tsconfig.json

test-js: build
	$(NODE) --test tests/js/

# End-to-end tools live in their own lockfile (tests/e2e/package.json): a real OpenID Provider and the runtimes,
# whose binaries ship inside npm packages (deno, bun, workerd); Chromium is Debian's.
E2E_STAMP := tests/e2e/node_modules/.package-lock.json

e2e-deps: $(E2E_STAMP)
	@bash scripts/ensure-chromium.sh

# `npm install`, not `npm ci`: npm leaves the other platforms' optional binary packages (@deno/darwin-*, …) out of
# the lockfile, and `npm ci` then refuses the lockfile as out of sync. Versions are pinned exactly in package.json.
$(E2E_STAMP): tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && $(NPM) install --no-audit --no-fund
	@touch $@

# The suites spawn runtimes and servers; one file at a time keeps the 2-core machine responsive.
test-e2e: build e2e-deps | node-deps
	$(NODE) --test --test-concurrency=1 tests/e2e/

# ---------------------------------------------------------------------------------------------------------------
# Demo and bench

demo: build
	$(NODE) scripts/demo.mjs

# ---------------------------------------------------------------------------------------------------------------
# Playground (www/): a static folder built from the package's browser entry, served on 127.0.0.1

WWW_NODE_STAMP := www/node_modules/.package-lock.json

$(WWW_NODE_STAMP): www/package.json www/package-lock.json
	$(NPM) ci --prefix www --no-audit --no-fund
	@touch $@

www: build
	$(NODE) scripts/build-www.mjs

# PORT=8787 by default; PORT=0 picks any free port.
serve: www
	$(NODE) scripts/serve.mjs

test-browser: www $(WWW_NODE_STAMP)
	bash scripts/ensure-chromium.sh
	$(NODE) --test tests/browser/

# Regenerates the playground's minted presets (the real GitHub token preset is copied from shared/vectors).
presets: $(WWW_NODE_STAMP)
	$(NODE) scripts/gen-presets.mjs $(OIDC_TRUST_SHARED)/vectors

# cargo-fuzz targets (nightly): every target for FUZZ_SECONDS (default 30) on a corpus seeded from the vectors.
fuzz:
	bash fuzz/run.sh

bench: build
	$(NODE) bench/verify.mjs
	$(MAKE) --no-print-directory bench-runtimes

# Cache-hit throughput against fast-jwt's cache, the packed tarball's size, and import → first verify per runtime.
bench-runtimes: build e2e-deps
	$(NODE) bench/runtimes.mjs

# The memory part of `make bench` alone: wasm memory and RSS across BENCH_MEMORY_N (default 1M) verifications.
bench-memory: build
	$(NODE) bench/memory.mjs

clean:
	rm -rf $(DIST) pkg/README.md pkg/*.tgz
	$(CARGO) clean --release --target $(WASM_TARGET)
