#!/usr/bin/env bash
# The original's React dashboard (BOB-DSPM/SAGE-FRONT) in headless Chromium against this service:
# moto with the demo account, `dspm-audit serve` on 8103 + MAPPING_PORT 8003 (the ports the
# dashboard calls), the built dashboard on 127.0.0.1:3000; e2e.js opens the compliance page, runs
# the whole ISMS-P audit as a user would, walks the 217 rows, reloads (the session brings the audit
# back), opens the threat page, and prints every API call with its status; screenshots in OUT.
# A developer's check, not a CI test: it needs a SAGE-FRONT checkout built with npm, Debian's
# chromium and playwright-core (both downloads).
#   scripts/sage-front/run.sh SAGE_FRONT_DIR [OUT]
#   (SAGE_FRONT_DIR/dspm_dashboard/build from `npm ci && npm run build`; PLAYWRIGHT_DIR: a folder
#   with node_modules/playwright-core, default SAGE_FRONT_DIR)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
front=${1:?usage: run.sh SAGE_FRONT_DIR [OUT]}
out=${2:-$(mktemp -d)}
mkdir -p "$out"
build="$front/dspm_dashboard/build"
[ -f "$build/index.html" ] || { echo "run.sh: build the dashboard first (npm ci && npm run build in $front/dspm_dashboard)" >&2; exit 2; }
command -v chromium >/dev/null || { echo "run.sh: apt-get install chromium" >&2; exit 2; }
export NODE_PATH="${PLAYWRIGHT_DIR:-$front}/node_modules"

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
wait_port() { for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 did not open" >&2; return 1; }
moto=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$moto" >"$out/moto.log" 2>&1 & pids+=($!)
wait_port "$moto"
python3 "$root/scripts/seed_demo.py" "http://127.0.0.1:$moto" us-east-1 >"$out/seed.log"
python3 "$here/static.py" "$build" 3000 & pids+=($!)
(cd "$out" && exec env -u AWS_PROFILE -u AUDIT_API_TOKEN -u MAPPING_BASE_URL -u CATALOG_DIR \
  AWS_ENDPOINT_URL="http://127.0.0.1:$moto" AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo \
  AWS_REGION=us-east-1 AUDIT_REGIONS=us-east-1 AWS_EC2_METADATA_DISABLED=true \
  HOST=127.0.0.1 PORT=8103 MAPPING_PORT=8003 "$root/${BUILD_DIR:-build}/dspm-audit" serve) \
  >"$out/serve.log" 2>&1 & pids+=($!)
wait_port 8103 && wait_port 8003 && wait_port 3000
node "$here/e2e.js" "$out"
echo "screenshots and logs: $out" >&2
