#!/usr/bin/env bash
# Installs everything the tests need (Python packages, a PostgreSQL server, Chromium) and runs the whole
# suite: lint, types, then pytest on SQLite and PostgreSQL. Works on a fresh Debian machine with Python.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

log "Python: environnement virtuel et dépendances"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test,bench,spark]'

log "Java (le moteur Spark des extractions)"
command -v java >/dev/null || apt_install default-jre-headless  # Java 17 on Debian 12: Spark 4 needs 17 or later

log "Pango (WeasyPrint : réponses aux demandes de droits en PDF)"
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so" || apt_install libpango-1.0-0 libpangoft2-1.0-0

log "Chromium (tests dans un vrai navigateur)"
command -v chromium >/dev/null || apt_install chromium
CHROMIUM=$(command -v chromium)
export VIGIE_TEST_CHROMIUM="$CHROMIUM"

log "PostgreSQL"
pg_ok() { .venv/bin/python - "$1" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
}
if [ -z "${VIGIE_TEST_POSTGRES_URL:-}" ]; then
  if pg_ok "host=127.0.0.1 port=5432 user=postgres dbname=postgres"; then
    echo "serveur déjà en marche sur 127.0.0.1:5432 : il est utilisé"
    export VIGIE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
  else
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    PGDATA=${VIGIE_TEST_PGDATA:-/tmp/vigie-test-pg}
    PGPORT=55432
    run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
      mkdir -p "$PGDATA"; [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
      run_pg "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres >/dev/null
    fi
    if ! pg_ok "host=127.0.0.1 port=$PGPORT user=postgres dbname=postgres"; then
      run_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
        -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    fi
    echo "serveur de test démarré sur 127.0.0.1:$PGPORT ($PGDATA)"
    export VIGIE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
  fi
fi

log "ruff"
.venv/bin/ruff check src tests bench
log "mypy --strict"
.venv/bin/mypy
log "pytest (SQLite et PostgreSQL)"
.venv/bin/pytest -p no:cacheprovider "$@"
