#!/usr/bin/env bash
# Starts Debian's PostgreSQL (installing it if missing) and prints a DATABASE_URL for the tests.
set -euo pipefail
# Only the URL goes to stdout; everything else (install, start-up notices) to stderr.
exec 3>&1 1>&2
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v pg_lsclusters >/dev/null; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
version=$(pg_lsclusters --no-header | awk 'NR==1 {print $1}')
cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $2}')
port=$(pg_lsclusters --no-header | awk 'NR==1 {print $3}')
# The server outlives this script: it must not inherit fd 3 (the caller's pipe), or a
# `$(bash .ci/postgres.sh)` waits for it forever.
as_root pg_ctlcluster "$version" "$cluster" start 3>&- </dev/null >/dev/null 2>&1 || true
for _ in $(seq 1 30); do as_root su postgres -c "pg_isready -q -p $port" && break; sleep 1; done
as_root su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_roles WHERE rolname='handover'\" | grep -q 1 || psql -q -p $port -c \"CREATE ROLE handover LOGIN SUPERUSER PASSWORD 'handover'\"" >&2
as_root su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_database WHERE datname='handover_test'\" | grep -q 1 || createdb -p $port -O handover handover_test" >&2
echo "postgres://handover:handover@127.0.0.1:$port/handover_test" >&3
