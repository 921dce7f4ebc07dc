#!/usr/bin/env bash
# Server load benchmarks: Irsa's AssumeRoleWithWebIdentity (full validation) and a SigV4-signed GetCallerIdentity
# (session credentials) against Irsa's own HTTP floor (GET /healthz on the same server), with the CloudTrail trail
# on and then, on the same data folder after a restart, with --no-audit-trail; plus moto_server's
# AssumeRoleWithWebIdentity and Irsa's /mutate. Everything runs on 127.0.0.1 in a temporary folder removed at the end.
#
# Usage: bash bench/load/run.sh            (from anywhere; needs wrk, moto_server, aws, curl, python3)
# Tuning: LOAD_DURATION (default 10s), LOAD_THREADS (2), LOAD_CONNECTIONS (32: many pods calling at once, the load
# a group-committed trail is built for; with 4 the trail is bound by one fsync per batch of at most 4 calls).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${LOAD_DURATION:-10s}"
threads="${LOAD_THREADS:-2}"
connections="${LOAD_CONNECTIONS:-32}"

for tool in wrk moto_server aws curl python3; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done

work="$(mktemp -d)"
server_pid=""
moto_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null && wait "$moto_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {
  for _ in $(seq 1 120); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.5
  done
  echo "run.sh: $1 did not come up" >&2
  return 1
}

cd "$root"
./irsa --help >/dev/null # build the CLI before anything is timed

irsa_port="$(free_port)"
irsa="http://127.0.0.1:$irsa_port"
start_irsa() { # extra flags for `irsa up`
  ./irsa up --data "$work/data" --listen "$irsa" "$@" >>"$work/irsa.log" 2>&1 &
  server_pid=$!
  wait_http "$irsa/healthz"
}
stop_irsa() {
  kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
start_irsa
moto_port="$(free_port)"
moto="http://127.0.0.1:$moto_port"
moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto_pid=$!
wait_http "$moto/moto-api/"

# State: a cluster, its issuer registered as an OIDC provider, a role for default/app.
eval "$(./irsa env --data "$work/data")"
aws eks create-cluster --name demo --role-arn arn:aws:iam::000000000000:role/eks \
  --resources-vpc-config subnetIds=subnet-1 --query cluster.status --output text >/dev/null
./irsa iam associate-oidc-provider --cluster demo --data "$work/data" >/dev/null
printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::app-data/*"}]}' >"$work/policy.json"
./irsa iam create-service-account --cluster demo --namespace default --name app --role-name app-role \
  --policy-file "$work/policy.json" --data "$work/data" >/dev/null
role_arn="$(aws iam get-role --role-name app-role --query Role.Arn --output text)"

# A real projected token: a pod for default/app, then a TokenRequest bound to it, through the cluster's API.
kubeconfig="$(./irsa kubeconfig --cluster demo --data "$work/data")"
k8s="$(awk '/server:/ {print $2; exit}' <<<"$kubeconfig")"
k8s_token="$(awk '/token:/ {print $2; exit}' <<<"$kubeconfig")"
awk '/certificate-authority-data:/ {print $2; exit}' <<<"$kubeconfig" | base64 -d >"$work/cluster-ca.pem"
kube() { curl -fsS --cacert "$work/cluster-ca.pem" -X POST -H "Authorization: Bearer $k8s_token" -H 'Content-Type: application/json' "$k8s$1" -d "$2"; }
pod_uid="$(kube /api/v1/namespaces/default/pods \
  '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"app"},"spec":{"serviceAccountName":"app","containers":[{"name":"app","image":"busybox"}]}}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["metadata"]["uid"])')"
kube /api/v1/namespaces/default/serviceaccounts/app/token \
  "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{\"audiences\":[\"sts.amazonaws.com\"],\"expirationSeconds\":3600,\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"app\",\"uid\":\"$pod_uid\"}}}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["status"]["token"], end="")' >"$work/token"
python3 - "$role_arn" "$work/token" >"$work/awrwi.form" <<'PY'
import sys, urllib.parse
print(urllib.parse.urlencode({
    "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": sys.argv[1],
    "RoleSessionName": "load", "WebIdentityToken": open(sys.argv[2]).read()}), end="")
PY

# The same form must succeed on both servers before it is measured.
for target in "$irsa" "$moto"; do
  out="$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$work/awrwi.form" "$target/")"
  [ "${out##*$'\n'}" = 200 ] && grep -q '<AccessKeyId>' <<<"$out" || { echo "run.sh: AssumeRoleWithWebIdentity failed on $target: $out" >&2; exit 1; }
done

# A signed GetCallerIdentity with the pod's session credentials (ASIA key, sealed session token), signed once.
curl -s -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$work/awrwi.form" "$irsa/" >"$work/awrwi.xml"
printf 'Action=GetCallerIdentity&Version=2011-06-15' >"$work/gci.form"
python3 - "$irsa" "$work/awrwi.xml" "$work/gci.form" >"$work/gci.headers" <<'PY'
import re, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
xml = open(sys.argv[2]).read()
field = lambda name: re.search(f"<{name}>([^<]+)</{name}>", xml).group(1)
request = AWSRequest(method="POST", url=sys.argv[1] + "/", data=open(sys.argv[3], "rb").read(),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
SigV4Auth(Credentials(field("AccessKeyId"), field("SecretAccessKey"), field("SessionToken")), "sts", "us-east-1").add_auth(request)
for name in ("X-Amz-Date", "X-Amz-Security-Token", "Authorization"):
    print(f"{name}: {request.headers[name]}")
PY
gci="$(curl -s -X POST -H 'Content-Type: application/x-www-form-urlencoded' -H @"$work/gci.headers" --data-binary @"$work/gci.form" "$irsa/")"
grep -q '<Arn>arn:aws:sts::' <<<"$gci" || { echo "run.sh: signed GetCallerIdentity failed: $gci" >&2; exit 1; }

# What /mutate answers here: the root /mutate of `irsa up` has no cluster context, so its ServiceAccount store is
# empty and the review is allowed without a patch (decode, decide, respond). Shown so the number is read right.
echo "sample /mutate response: $(curl -s -X POST -H 'Content-Type: application/json' --data-binary @"$here/admission-review.json" "$irsa/mutate")"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); wrk -t$threads -c$connections -d$duration"
declare -A rps
measure() { # name url method body-file content-type
  local line
  line="$(LOAD_METHOD="$3" LOAD_BODY_FILE="$4" LOAD_CONTENT_TYPE="$5" \
    wrk -t"$threads" -c"$connections" -d"$duration" -s "$here/request.lua" "$2" | grep '^RESULT')"
  echo "$1: $line"
  if ! grep -q ' non2xx=0 socket_errors=0 ' <<<"$line"; then
    echo "run.sh: $1 had failed responses; its rate is not a result" >&2
    exit 1
  fi
  rps[$1]="$(sed -E 's/.* rps=([0-9.]+) .*/\1/' <<<"$line")"
}

measure_irsa() { # suffix
  measure "irsa_floor$1" "$irsa/healthz" GET "" ""
  measure "irsa_awrwi$1" "$irsa/" POST "$work/awrwi.form" application/x-www-form-urlencoded
  LOAD_HEADERS_FILE="$work/gci.headers" measure "irsa_gci$1" "$irsa/" POST "$work/gci.form" application/x-www-form-urlencoded
}
measure_irsa ""
measure moto_awrwi "$moto/" POST "$work/awrwi.form" application/x-www-form-urlencoded
measure irsa_mutate "$irsa/mutate" POST "$here/admission-review.json" application/json

# S3: a SigV4-signed GetObject of 1 KiB (admin key, signed once, replayed), then 1 GiB up and down through presigned
# URLs with curl (no SDK cost in the number) against a plain file copy on the same disk, with the server's peak RSS.
aws s3 mb s3://bench >/dev/null
head -c 1024 /dev/urandom >"$work/1k"
aws s3 cp "$work/1k" s3://bench/1k >/dev/null
python3 - "$irsa" >"$work/get.headers" <<'PY'
import sys, boto3
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
credentials = boto3.session.Session().get_credentials().get_frozen_credentials()
request = AWSRequest(method="GET", url=sys.argv[1] + "/bench/1k")
S3SigV4Auth(credentials, "s3", "us-east-1").add_auth(request)
for name in ("X-Amz-Date", "X-Amz-Content-SHA256", "Authorization"):
    print(f"{name}: {request.headers[name]}")
PY
LOAD_HEADERS_FILE="$work/get.headers" measure irsa_s3_get_1k "$irsa/bench/1k" GET "" ""
server_rss() { awk '/VmHWM/ {print $2}' "/proc/$(pgrep -f 'irsa.dll up' | head -1)/status"; }
head -c $((1 << 30)) /dev/urandom >"$work/1g"
sync
presign() { python3 -c 'import sys, boto3, botocore.config; print(boto3.client("s3", config=botocore.config.Config(signature_version="s3v4")).generate_presigned_url(sys.argv[1], Params={"Bucket": "bench", "Key": "1g"}, ExpiresIn=600))' "$1"; }
seconds() { local start end; start=$(date +%s.%N); "$@"; end=$(date +%s.%N); python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$end"; }
copy_s="$(seconds sh -c "cp '$work/1g' '$work/1g.copy' && sync '$work/1g.copy'")"
put_s="$(seconds curl -fsS -o /dev/null -T "$work/1g" "$(presign put_object)")"
get_s="$(seconds curl -fsS -o "$work/1g.back" "$(presign get_object)")"
cmp "$work/1g" "$work/1g.back" || { echo "run.sh: the object read back differs" >&2; exit 1; }
echo "1 GiB: file copy ${copy_s}s, PutObject ${put_s}s, GetObject ${get_s}s; server peak RSS $(server_rss) kB"
rm -f "$work/1g.copy" "$work/1g.back"
stop_irsa
start_irsa --no-audit-trail
measure_irsa _notrail

ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.3g}')" "$1" "$2"; }
echo
echo "Irsa AWRWI / moto AWRWI        = $(ratio "${rps[irsa_awrwi]}" "${rps[moto_awrwi]}")x   (goal >= 30x)"
echo "Irsa AWRWI / Irsa floor        = $(ratio "${rps[irsa_awrwi]}" "${rps[irsa_floor]}")    (goal >= 0.5)"
echo "Irsa signed GCI / Irsa floor   = $(ratio "${rps[irsa_gci]}" "${rps[irsa_floor]}")    (goal >= 0.7)"
echo "AWRWI trail on / trail off     = $(ratio "${rps[irsa_awrwi]}" "${rps[irsa_awrwi_notrail]}")    (goal >= 0.9)"
echo "signed GCI trail on / off      = $(ratio "${rps[irsa_gci]}" "${rps[irsa_gci_notrail]}")    (goal >= 0.9)"
echo "AWRWI / floor, trail off       = $(ratio "${rps[irsa_awrwi_notrail]}" "${rps[irsa_floor_notrail]}")"
echo "signed GCI / floor, trail off  = $(ratio "${rps[irsa_gci_notrail]}" "${rps[irsa_floor_notrail]}")"
echo "Irsa /mutate / floor           = $(ratio "${rps[irsa_mutate]}" "${rps[irsa_floor]}")    (goal >= 0.7)"
echo "S3 GetObject 1 KiB / floor     = $(ratio "${rps[irsa_s3_get_1k]}" "${rps[irsa_floor]}")    (goal >= 0.7)"
echo "1 GiB PutObject / file copy    = $(ratio "$copy_s" "$put_s")    (goal >= 0.5; throughput ratio)"
echo "1 GiB GetObject / file copy    = $(ratio "$copy_s" "$get_s")    (goal >= 0.5; throughput ratio)"
