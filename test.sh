#!/usr/bin/env bash
# Runs every Irsa test: unit, integration, and end-to-end through the real AWS CLI, boto3 and JS SDK v3.
# Needs: the .NET SDK, node/npm, python3 with awscli and boto3; PostgreSQL and python3-jwt are installed when
# missing (root with apt), see eng/install-test-deps.sh and eng/postgres.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

# Debian packages (PostgreSQL, python3-jwt): installed on first use when we may (root with apt).
if ! command -v pg_lsclusters >/dev/null || ! /usr/bin/python3 -c 'import jwt' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    bash eng/install-test-deps.sh
  fi
fi

# The JavaScript SDK v3 clients the cross-SDK tests drive (pinned by package-lock.json).
if [ -f test/clients/js/package.json ] && [ ! -d test/clients/js/node_modules ]; then
  (cd test/clients/js && npm ci --no-audit --no-fund --loglevel=error)
fi

# A PostgreSQL database for the store's contract tests, unless one is given.
if [ -z "${IRSA_TEST_POSTGRES:-}" ]; then
  IRSA_TEST_POSTGRES="$(bash eng/postgres.sh)" || { echo "test.sh: no PostgreSQL server (see eng/postgres.sh)" >&2; exit 1; }
  export IRSA_TEST_POSTGRES
fi

# The launcher builds the CLI the end-to-end tests run as a user would.
./irsa --version >/dev/null

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test Irsa.slnx -c Release --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run: the per-project summaries added up.
passed=0; failed=0; skipped=0
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
done < <(sed -nE 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/p' "$log")
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: dotnet test failed before running every test (see above)" >&2
fi
exit "$status"
