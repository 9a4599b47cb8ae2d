# Thin wrappers over CMake. `make test` and `make demo` are the two commands a newcomer runs.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# ccache (scripts/setup installs it) keeps compiled objects between clean clones: a warm `make
# test` recompiles nothing that did not change.
CCACHE := $(shell command -v ccache 2>/dev/null)
LAUNCHER := $(if $(CCACHE),-DCMAKE_CXX_COMPILER_LAUNCHER=$(CCACHE))
# Paths inside the clone hash as relative ones, and the build directory is not hashed (-g would
# add it), so another clone's objects are found too.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1

.PHONY: all setup build test test-unit test-asan fuzz bench bench-reference demo clean

all: build

setup:
	scripts/setup

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(LAUNCHER) $(CMAKE_FLAGS)

build: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Everything: set-up (idempotent, cached), build, every ctest label except the fuzzers (make
# fuzz); ctest prints its summary.
test: setup
	$(MAKE) build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 1200 -LE fuzz

# Unit tests only (no control plane needed).
test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKRO_SANITIZE=ON $(LAUNCHER) \
	  $(CMAKE_FLAGS)

# The unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (only their binaries are
# built).
test-asan: setup $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target kro_unit_tests
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -L unit

# libFuzzer targets for the CEL parser and evaluator (clang, ASan+UBSan), FUZZ_SECONDS each
# (default 60); objects and grown corpora in build-fuzz/.
fuzz: setup
	scripts/fuzz

# What only the benchmarks need (cached like setup): gnuplot-nox for the plots and upstream kro
# v0.9.3's controller, .cache/bin/kro-upstream, from tools/kro-upstream.
bench-reference:
	scripts/setup --bench

bench: build bench-reference
	scripts/bench

demo: setup build
	scripts/demo

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
