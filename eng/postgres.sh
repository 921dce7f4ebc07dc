#!/usr/bin/env bash
# Prints a connection string for a local PostgreSQL the tests may use, starting the Debian cluster if needed.
# Connects over the Unix socket with peer authentication as a superuser role named after the current OS user.
set -euo pipefail
command -v pg_lsclusters >/dev/null || { echo "eng/postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
read -r version name _ < <(pg_lsclusters --no-header | head -1)
[ -n "${version:-}" ] || { echo "eng/postgres.sh: no PostgreSQL cluster found" >&2; exit 1; }
if ! pg_lsclusters --no-header | head -1 | grep -q online; then
  pg_ctlcluster "$version" "$name" start >&2
fi
user="$(id -un)"
if [ "$user" = root ]; then
  runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'root'" | grep -q 1 \
    || runuser -u postgres -- createuser --superuser root >&2
fi
psql -qtAc "SELECT 1 FROM pg_database WHERE datname = 'irsa_test'" postgres | grep -q 1 || createdb irsa_test >&2
echo "Host=/var/run/postgresql;Username=$user;Database=irsa_test"
