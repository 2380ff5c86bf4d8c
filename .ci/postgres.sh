#!/usr/bin/env bash
# PostgreSQL for the node's tests (issue 17 part 3): linli-node's store suite and the kill -9 test
# run on PostgreSQL as well as SQLite, and with CI set they fail rather than skip when
# LINLI_TEST_POSTGRES is unset. This script gives them a database:
#   - installs PostgreSQL from the distribution's packages when no server is installed;
#   - starts a cluster of its own (trust authentication, listening on 127.0.0.1 only, port
#     $LINLI_PG_PORT, default 54329) in $LINLI_PG_DIR (default /tmp/linli-ci-postgres), unless
#     one is already answering there;
#   - creates the role `linli` and the database `linli_test` when missing;
#   - exports LINLI_TEST_POSTGRES=postgres://linli@127.0.0.1:PORT/linli_test.
# Idempotent: run it again and it finds the cluster running and the role and database there.
# Source it (`. .ci/postgres.sh`) to get the variable; run it to print the URL.
# For test use only: no password, trust on the loopback address.

linli_pg_main() {
    local port="${LINLI_PG_PORT:-54329}"
    local dir="${LINLI_PG_DIR:-/tmp/linli-ci-postgres}"
    local bindir=""

    linli_pg_bindir() {
        local d
        d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
        if [ -n "$d" ] && [ -x "$d/initdb" ]; then
            echo "$d"
        elif command -v initdb > /dev/null 2>&1; then
            dirname "$(command -v initdb)"
        fi
    }

    bindir=$(linli_pg_bindir)
    if [ -z "$bindir" ]; then
        echo "postgres.sh: installing PostgreSQL (apt-get install postgresql)" >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql > /dev/null
        bindir=$(linli_pg_bindir)
        if [ -z "$bindir" ]; then
            echo "postgres.sh: PostgreSQL installed but initdb not found" >&2
            return 1
        fi
    fi

    # initdb and the server refuse to run as root: as root, they run as the package's user.
    local -a as=()
    if [ "$(id -u)" -eq 0 ]; then
        if ! id postgres > /dev/null 2>&1; then
            useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
        fi
        as=(runuser -u postgres --)
    fi

    if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
        mkdir -p "$dir"
        if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
        chmod 700 "$dir"
        if [ ! -f "$dir/PG_VERSION" ]; then
            "${as[@]}" "$bindir/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 > "$dir.initdb.log" 2>&1 || {
                cat "$dir.initdb.log" >&2
                return 1
            }
        fi
        # Parallel tests open several connections each.
        "${as[@]}" "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=400" start > /dev/null || {
            tail -n 20 "$dir/server.log" >&2
            return 1
        }
    fi

    local psql=("$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
    if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'linli'")" != "1" ]; then
        "${psql[@]}" -c "CREATE ROLE linli LOGIN CREATEDB"
    fi
    if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'linli_test'")" != "1" ]; then
        "${psql[@]}" -c "CREATE DATABASE linli_test OWNER linli"
    fi

    export LINLI_TEST_POSTGRES="postgres://linli@127.0.0.1:$port/linli_test"
    echo "postgres.sh: LINLI_TEST_POSTGRES=$LINLI_TEST_POSTGRES" >&2
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    linli_pg_main
    echo "$LINLI_TEST_POSTGRES"
else
    linli_pg_main
fi
