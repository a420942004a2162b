#!/usr/bin/env bash
# Start the local PostgreSQL 15 cluster and create a throwaway user + database for the tests.
# Idempotent. Prints the URL to export as TUNEWISE_TEST_POSTGRES_URL, e.g.
#   export TUNEWISE_TEST_POSTGRES_URL="$(.ci/postgres.sh)"
set -euo pipefail
PGVER="${PGVER:-15}"
DB="${TUNEWISE_PG_DB:-tunewise_test}"
USER_NAME="${TUNEWISE_PG_USER:-tw}"
PASSWORD="${TUNEWISE_PG_PASSWORD:-tw}"
PORT="${TUNEWISE_PG_PORT:-5432}"

as_postgres() {
  if [ "$(id -un)" = "postgres" ]; then "$@"; elif command -v runuser >/dev/null; then runuser -u postgres -- "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi
}

if ! pg_lsclusters -h 2>/dev/null | awk -v v="$PGVER" '$1==v && $2=="main" && $4=="online"' | grep -q .; then
  pg_ctlcluster "$PGVER" main start >&2
fi
for _ in $(seq 1 50); do
  as_postgres pg_isready -q -p "$PORT" && break
  sleep 0.2
done
as_postgres pg_isready -q -p "$PORT" || { echo "PostgreSQL $PGVER did not become ready on port $PORT" >&2; exit 1; }

if ! as_postgres psql -p "$PORT" -tAc "SELECT 1 FROM pg_roles WHERE rolname='${USER_NAME}'" | grep -q 1; then
  as_postgres psql -p "$PORT" -q -c "CREATE USER ${USER_NAME} PASSWORD '${PASSWORD}' SUPERUSER" >&2
fi
if ! as_postgres psql -p "$PORT" -tAc "SELECT 1 FROM pg_database WHERE datname='${DB}'" | grep -q 1; then
  as_postgres createdb -p "$PORT" -O "${USER_NAME}" "${DB}" >&2
fi
echo "postgresql+psycopg://${USER_NAME}:${PASSWORD}@127.0.0.1:${PORT}/${DB}"
