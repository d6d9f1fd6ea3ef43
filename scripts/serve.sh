#!/usr/bin/env bash
# Installs vigie in a virtual environment and starts the web service on an embedded SQLite database.
# On first start it creates the key file and the database and seeds a demo population, then prints the URL.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e .
exec .venv/bin/vigie serve --demo "$@"
