#!/usr/bin/env bash
# Installs everything the whole test suite needs, then runs it:
#   - .venv with every pinned package and the extras the tests exercise
#     (models, service, browser-tests, postgres, export, factchecks, exchange);
#   - Debian's PostgreSQL, started on loopback for the store tests;
#   - Debian's Chromium for the web UI tests.
# Extra arguments go to pytest (e.g. scripts/test.sh -k structure).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test models service browser-tests postgres export factchecks exchange sources ray onnx
scripts/ci-chromium.sh >&2
eval "$(scripts/ci-postgres.sh)"
trap 'scripts/ci-postgres.sh --stop "$PARLEY_TEST_PG_DATADIR" >/dev/null 2>&1 || true' EXIT
# Pytest exits 5 when it collects nothing; a suite that ran no test is a failure too.
.venv/bin/python -m pytest -q -ra "$@"
