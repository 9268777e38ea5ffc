#!/usr/bin/env bash
# Install Debian's PostgreSQL, start a throw-away server on 127.0.0.1 and
# print the URL of a fresh database for the store tests.
#
#   eval "$(scripts/ci-postgres.sh)"      # sets PARLEY_TEST_PG
#   .venv/bin/pytest tests/test_store.py
#   scripts/ci-postgres.sh --stop DATADIR  # stop it again (DATADIR is printed)
#
# Run as root (CI). The server runs as the 'postgres' user with its data in a
# temporary folder, on a free port, listening on loopback only, trusting
# local connections (a test server, never a real one). Stdout holds only the
# two export lines; progress goes to stderr.
set -euo pipefail

if [[ "${1:-}" == "--stop" ]]; then
    datadir="${2:?usage: $0 --stop DATADIR}"
    bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    su postgres -s /bin/sh -c "'$bindir/pg_ctl' -D '$datadir' -m fast stop" >&2
    rm -rf "$datadir"
    exit 0
fi

if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    echo "installing postgresql from Debian..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y postgresql >&2
fi
bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
datadir="$(mktemp -d /tmp/parley-pg.XXXXXX)"
chown postgres:postgres "$datadir"
chmod 700 "$datadir"

echo "initdb in $datadir, port $port" >&2
su postgres -s /bin/sh -c "'$bindir/initdb' -D '$datadir' -A trust -U postgres -E UTF8 --locale=C.UTF-8" >&2
su postgres -s /bin/sh -c "'$bindir/pg_ctl' -D '$datadir' -l '$datadir/server.log' -w -t 60 \
    -o \"-c listen_addresses=127.0.0.1 -p $port -k '$datadir' -c fsync=off -c full_page_writes=off\" start" >&2
su postgres -s /bin/sh -c "'$bindir/createdb' -h 127.0.0.1 -p $port -U postgres parley_test" >&2

echo "export PARLEY_TEST_PG=postgresql://postgres@127.0.0.1:$port/parley_test"
echo "export PARLEY_TEST_PG_DATADIR=$datadir"
