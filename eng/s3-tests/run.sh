#!/usr/bin/env bash
# Runs the curated subset of ceph/s3-tests (docs/s3-conformance.md) against a throw-away `./irsa up`.
#
#   bash eng/s3-tests/run.sh S3_TESTS_CHECKOUT [PYTEST_ARGS...]
#
# S3_TESTS_CHECKOUT is a checkout of https://github.com/ceph/s3-tests (this repository carries none of its code).
# Environment:
#   PYTHON          interpreter with pytest, boto3, munch, isodate, pytz, dateutil (default: /usr/bin/python3)
#   SELECTION       file of test names, one a line, '#' comments (default: eng/s3-tests/selected-tests.txt)
#   TEST_TIMEOUT    seconds one test may take (pytest-timeout, when installed; default 120)
#   RUN_TIMEOUT     seconds the whole pytest run may take (default 1800)
#   RESULTS_DIR     where to keep junit.xml, pytest.log and the server's log (default: a temporary folder, removed)
#   KEEP=1          keep the temporary folder (data folder, conf, logs)
#
# Identities: Irsa serves IAM users only for each account's bootstrap administrator, so main, alt and tenant are the
# administrators of three accounts: the data folder is started once per account with --account-id (each start
# bootstraps the pinned account, its `irsa-admin` user and one access key), and the last start, main's, serves the run.
# Every key authenticates as its own account, so alt's and tenant's calls on main's buckets hinge on bucket policies.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -f "$1/s3tests/functional/test_s3.py" ]; then
  echo "usage: $0 S3_TESTS_CHECKOUT [PYTEST_ARGS...]  (a checkout of ceph/s3-tests)" >&2
  exit 2
fi

checkout="$(cd "$1" && pwd)"
shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"
selection="${SELECTION:-$root/eng/s3-tests/selected-tests.txt}"
test_timeout="${TEST_TIMEOUT:-120}"
run_timeout="${RUN_TIMEOUT:-1800}"

main_account=111111111111
alt_account=222222222222
tenant_account=333333333333

work="$(mktemp -d "${TMPDIR:-/tmp}/irsa-s3-tests-XXXXXX")"
data="$work/data"
results="${RESULTS_DIR:-$work/results}"
mkdir -p "$results"
server_pid=""

stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}

cleanup() {
  stop_server
  if [ "${KEEP:-0}" = 1 ]; then
    echo "s3-tests: kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The launcher builds the CLI when sources changed; do it once, outside the start-up deadline.
"$root/irsa" --version >/dev/null

# Starts `irsa up` on a free loopback port for ACCOUNT and waits (bounded) for its endpoint file.
start_server() {
  local account="$1"
  rm -f "$data/endpoint"
  HOME="$work" "$root/irsa" up --data "$data" --listen http://127.0.0.1:0 --account-id "$account" \
    --log-level Warning >>"$results/server.out" 2>>"$results/server.log" &
  server_pid=$!
  for _ in $(seq 1 300); do
    [ -s "$data/endpoint" ] && return 0
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "s3-tests: irsa up exited; its log:" >&2
      tail -n 50 "$results/server.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "s3-tests: irsa up did not start within 60 s" >&2
  exit 1
}

# The admin key of the account the server just bootstrapped, from the profile it wrote.
admin_key() {
  sed -n 's/^aws_access_key_id *= *//p' "$data/credentials" | head -n 1
}

admin_secret() {
  sed -n 's/^aws_secret_access_key *= *//p' "$data/credentials" | head -n 1
}

declare -A keys secrets
for who in alt tenant main; do
  account_var="${who}_account"
  start_server "${!account_var}"
  keys[$who]="$(admin_key)"
  secrets[$who]="$(admin_secret)"
  if [ "$who" != main ]; then
    stop_server
  fi
done

endpoint="$(cat "$data/endpoint")"
port="${endpoint##*:}"
port="${port%%/*}"
if [ "$(curl -fsS --max-time 10 "$endpoint/healthz" || true)" != ok ]; then
  echo "s3-tests: $endpoint/healthz did not answer ok" >&2
  exit 1
fi

# user_id and display_name are what s3-tests compares with Owner (ListObjectsV2 FetchOwner, ListBuckets): Irsa shows the
# owning account's id as both.
conf="$work/s3tests.conf"
cat >"$conf" <<CONF
[DEFAULT]
host = 127.0.0.1
port = $port
is_secure = False
ssl_verify = False

[fixtures]
bucket prefix = irsa-{random}-

[s3 main]
display_name = $main_account
user_id = $main_account
email = main@example.com
api_name = default
access_key = ${keys[main]}
secret_key = ${secrets[main]}

[s3 alt]
display_name = $alt_account
user_id = $alt_account
email = alt@example.com
access_key = ${keys[alt]}
secret_key = ${secrets[alt]}

[s3 tenant]
display_name = $tenant_account
user_id = $tenant_account
email = tenant@example.com
tenant = irsa
access_key = ${keys[tenant]}
secret_key = ${secrets[tenant]}

# configure() reads these sections even for S3-only runs; the keys authenticate nowhere (IAM tests are not selected,
# and the fixture's IAM clean-up then fails quietly instead of deleting anything).
[iam]
email = iam@example.com
user_id = none
access_key = AKIAIOSFODNN7NOTUSED
secret_key = not-a-secret
display_name = none

[iam root]
access_key = AKIAIOSFODNN7NOTUSED
secret_key = not-a-secret
user_id = none
email = none@example.com

[iam alt root]
access_key = AKIAIOSFODNN7NOTUSED
secret_key = not-a-secret
user_id = none
email = none@example.com
CONF

# The selection as pytest node ids.
node_ids=()
while IFS= read -r line; do
  line="${line%%#*}"
  line="$(echo "$line" | tr -d '[:space:]')"
  [ -n "$line" ] && node_ids+=("s3tests/functional/test_s3.py::$line")
done <"$selection"

timeout_args=()
if "$python" -c 'import pytest_timeout' 2>/dev/null; then
  timeout_args=(--timeout "$test_timeout")
fi

echo "s3-tests: ${#node_ids[@]} tests against $endpoint ($("$python" -c 'import botocore; print("botocore", botocore.__version__)'))" >&2
set +e
(
  cd "$checkout"
  # BOTO_DISABLE_CRT: the suite's requirements do not include awscrt; when a system package brings it, botocore would
  # sign with the CRT instead (which refuses negative presign expiries and aborts on exceptions raised by body reads).
  S3TEST_CONF="$conf" AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null BOTO_DISABLE_CRT=true \
    timeout --kill-after=30 "$run_timeout" "$python" -m pytest -p no:cacheprovider -q -rfE --tb=short \
    "${timeout_args[@]}" --junitxml="$results/junit.xml" "$@" "${node_ids[@]}"
) 2>&1 | tee "$results/pytest.log"
status=${PIPESTATUS[0]}
set -e

# The summary: pass count, then each failure and error by name.
"$python" - "$results/junit.xml" <<'PY' || true
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError) as e:
    print(f"s3-tests: no junit report ({e})"); sys.exit(0)
passed, failed = [], []
for case in root.iter('testcase'):
    outcome = next((c.tag for c in case if c.tag in ('failure', 'error', 'skipped')), None)
    (passed if outcome is None else failed).append((case.get('name'), outcome))
print(f"s3-tests: {len(passed)} passed of {len(passed) + len(failed)}")
for name, outcome in sorted(failed):
    print(f"  {outcome:8} {name}")
PY
stop_server
exit "$status"
