# Thin wrapper over Meson + Ninja: the conventional entry points.
#   make          build build/jinyun
#   make run      install dependencies, build, create the demo school, serve it
#   make check    install dependencies, build, run every test: the unit and
#                 API tests on SQLite, then again on PostgreSQL (a private
#                 cluster, tests/pg-cluster.sh), then the browser tests
#   make check-pg only the PostgreSQL run
#   make asan     the same tests under -fsanitize=address,undefined (build-asan/)
#   make bench    run the benchmarks (see bench/README.md)
#   make fuzz     build the libFuzzer targets (clang) and run each FUZZ_SECONDS (fuzz/README.md)
BUILD ?= build
DB ?= demo.db
LISTEN ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 60

.PHONY: all deps run check check-pg asan bench fuzz clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD)

deps:
	@./scripts/install-deps.sh

run: deps all
	@test -f $(DB) || ./$(BUILD)/jinyun demo --db $(DB) --days 30
	@echo "演示账号 demo logins: admin/admin123  principal/principal123  reporter/reporter123  teacher/teacher123"
	./$(BUILD)/jinyun serve --db $(DB) --listen $(LISTEN)

check: deps all
	env -u JINYUN_TEST_PG meson test -C $(BUILD) --print-errorlogs; st=$$?; env -u JINYUN_TEST_PG ./scripts/test-summary.py $(BUILD); exit $$st
	$(MAKE) --no-print-directory check-pg
	./tests/run-e2e.sh $(BUILD)

check-pg: all
	./tests/pg-cluster.sh run sh -c 'meson test -C "$$0" --print-errorlogs; st=$$?; ./scripts/test-summary.py "$$0"; exit $$st' $(BUILD)

asan: deps
	test -f build-asan/build.ninja || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-asan
	meson test -C build-asan --print-errorlogs --timeout-multiplier 3; st=$$?; ./scripts/test-summary.py build-asan; exit $$st

bench: deps all
	./bench/run.sh $(BUILD)

fuzz: deps
	test -f build-fuzz/build.ninja || CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-fuzz
	./fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) build-asan build-fuzz
