# fouine: a thin Makefile over CMake.
#   make demo    install what is missing, build (release), index corpus/ and
#                run an example search
#   make test    install what is missing, build with warnings as errors and
#                ASan+UBSan, run every test through ctest
#   make test-tsan  build with ThreadSanitizer in build-tsan/ and run the
#                tests of threads (fouine-index's reader and writer,
#                fouine-serve under load)
#   make         build (release) in build/, for PREFIX
#   make install build, then install under PREFIX (default /usr/local),
#                in DESTDIR when given (a staging directory):
#                make install PREFIX=/usr DESTDIR=/tmp/stage
#   make format  clang-format the C sources in place
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX ?= /usr/local
DESTDIR ?=
DEMO_QUERY ?= securite de l'etat
SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

# The suites whose code runs threads at once; a race aborts them.
TSAN_TESTS ?= ^(index|index_shared|serve|serve_ops|serve_load|serve_slow|serve_write|follow)$$

.PHONY: all deps build install demo test test-tsan format format-check clean

all: build

deps:
	@./scripts/install-deps

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DFOUINE_TESTS=OFF \
	    -DCMAKE_INSTALL_PREFIX='$(PREFIX)' >/dev/null
	cmake --build build -j $(JOBS)

# The prefix is the build's (fouine.pc and the systemd unit name it);
# DESTDIR only moves the files.
install: build
	DESTDIR='$(DESTDIR)' cmake --install build

demo: build
	./build/fouine-index -o fouine.db corpus
	@echo
	@echo "$$ fouine-query \"$(DEMO_QUERY)\""
	@if [ -t 1 ]; then ./build/fouine-query -i fouine.db -n 5 "$(DEMO_QUERY)"; \
	else ./build/fouine-query -i fouine.db -n 5 --marks '**' '**' "$(DEMO_QUERY)"; fi

test: deps
	cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DFOUINE_WERROR=ON \
	    -DFOUINE_SANITIZE=ON -DFOUINE_TESTS=ON \
	    -DFOUINE_FAULT_INJECTION=ON >/dev/null
	cmake --build build-test -j $(JOBS)
	cd build-test && ctest --output-on-failure -j $(JOBS)

test-tsan: deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DFOUINE_WERROR=ON \
	    -DFOUINE_TSAN=ON -DFOUINE_TESTS=ON >/dev/null
	cmake --build build-tsan -j $(JOBS)
	cd build-tsan && TSAN_OPTIONS="halt_on_error=1 abort_on_error=1" \
	    ctest --output-on-failure -j $(JOBS) -R '$(TSAN_TESTS)'

format:
	clang-format -i $(SOURCES)

format-check:
	clang-format --dry-run -Werror $(SOURCES)

clean:
	rm -rf build build-test build-tsan
