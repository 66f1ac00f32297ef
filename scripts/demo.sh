#!/usr/bin/env bash
# The service's main job on embedded defaults, against an emulated AWS account:
#   builds dspm-audit, starts moto_server on loopback, seeds a demo account (some resources
#   compliant, some not), starts `dspm-audit serve` pointed at it, runs POST /audit/ISMS-P/_all,
#   writes the full JSON to out/demo-audit.json, prints the summary, and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/install-deps.sh
# Only the binary: the demo runs no test suite (a full build compiles every suite first).
BUILD_TARGETS=dspm-audit scripts/build.sh >/dev/null
bin="$root/${BUILD_DIR:-build}/dspm-audit"
framework="${DEMO_FRAMEWORK:-ISMS-P}"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() {  # port, what
  for _ in $(seq 1 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "demo: $2 did not start on port $1" >&2
  return 1
}

workdir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

moto_port=$(free_port)
moto_server -H 127.0.0.1 -p "$moto_port" >"$workdir/moto.log" 2>&1 &
pids+=($!)
wait_port "$moto_port" moto_server
endpoint="http://127.0.0.1:$moto_port"
echo "demo: moto_server on $endpoint; seeding a demo account" >&2
python3 scripts/seed_demo.py "$endpoint" us-east-1

api_port=$(free_port)
# A clean environment for the service: every AWS call goes to moto with dummy keys, nothing from
# the caller's AWS profile, token or .env leaks in (the service runs in an empty directory).
# AUDIT_REGIONS: the demo account is seeded in us-east-1, and moto lists every region as enabled.
(
  cd "$workdir"
  exec env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_DEFAULT_PROFILE -u MAPPING_BASE_URL \
    -u COLLECTOR_BASE_URL -u AUDIT_API_TOKEN -u CATALOG_DIR \
    AWS_ENDPOINT_URL="$endpoint" AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo \
    AWS_REGION=us-east-1 AUDIT_REGIONS=us-east-1 AWS_EC2_METADATA_DISABLED=true HOST=127.0.0.1 PORT="$api_port" \
    LOG_LEVEL=warning "$bin" serve
) >"$workdir/serve.log" 2>&1 &
pids+=($!)
wait_port "$api_port" "dspm-audit serve"

mkdir -p out
echo "demo: POST /audit/$framework/_all" >&2
curl -sS -f -X POST "http://127.0.0.1:$api_port/audit/$framework/_all" -o out/demo-audit.json

python3 - out/demo-audit.json <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
s = doc["summary"]
print(f"framework {doc['framework']}: {s['status']}  "
      f"({doc['executed']}/{doc['total_requirements']} requirements)")
print("requirements by status:", json.dumps(s["counts"]))
print(f"checks run: {s['checks_run']}  AWS calls: {s['aws_calls']}  duration: {s['duration_ms']} ms  "
      f"account: {s['account']}  regions: {','.join(s['regions'])}  catalog: {s['catalog_source']}")
print(f"mapping codes not implemented yet: {len(s['not_implemented'])}")
seen = {}
for r in doc["results"]:
    for m in r["results"]:
        if m["status"] == "SKIPPED" and (m.get("reason") or "").startswith("not implemented"):
            continue
        seen.setdefault(m["mapping_code"], m)
print("\nchecks:")
for code, m in sorted(seen.items()):
    print(f"  {code:8} {m['title']:22} {m['status']:14} {json.dumps(m['evidence'])}")
    for e in m["evaluations"]:
        if e["status"] != "COMPLIANT":
            print(f"      {e['resource_id']}: {e['decision']}")
PY
echo
echo "full result: $root/out/demo-audit.json"
