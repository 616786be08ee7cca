#!/usr/bin/env bash
# Proves the README's main command: `make demo` serves the API on http://localhost:3000
# (/docs, /health/ready, /metrics) on embedded defaults, and a task created there survives a
# restart of `make demo`. Only the data folder is redirected, so a user's own demo data is
# never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
port=3000
base="http://localhost:$port"
data=$(mktemp -d)
log=$(mktemp)
pid=""
cleanup() {
  [ -n "$pid" ] && kill -TERM -- "-$pid" 2>/dev/null || true
  rm -rf "$data" "$log"
}
trap cleanup EXIT

if curl -s -o /dev/null "$base/health"; then
  echo "demo-smoke: something already listens on port $port; stop it first" >&2
  exit 1
fi

start_demo() {
  env -u DATABASE_URL -u REDIS_URL EMBEDDED_DATA_DIR="$data" setsid make --no-print-directory demo >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 180); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready")" = 200 ]; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 1
  done
  echo "demo-smoke: make demo did not become ready; its output:" >&2
  cat "$log" >&2
  exit 1
}

stop_demo() {
  kill -TERM -- "-$pid"
  wait "$pid" || true
  pid=""
}

json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s)$1))"; }
post() { curl -sf -X POST "$base$1" -H 'content-type: application/json' "${@:3}" -d "$2"; }

start_demo
for path in /docs /docs/json /metrics /health/ready; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base$path")
  [ "$code" = 200 ] || { echo "demo-smoke: $path answered $code" >&2; exit 1; }
done
creds='{"email":"demo-smoke@example.com","password":"demo smoke password"}'
token=$(post /api/auth/register "$creds" | json .accessToken)
post /api/tasks '{"title":"survives a restart"}' -H "authorization: Bearer $token" >/dev/null
stop_demo

start_demo
token=$(post /api/auth/login "$creds" | json .accessToken)
titles=$(curl -sf "$base/api/tasks" -H "authorization: Bearer $token" | json ".items.map(t=>t.title).join(',')")
[ "$titles" = "survives a restart" ] || { echo "demo-smoke: after restart the tasks are '$titles'" >&2; exit 1; }
grep -q 'cdktf.out' "$log" || { echo "demo-smoke: make demo did not report the synthesized Terraform JSON" >&2; exit 1; }
stop_demo
echo "demo-smoke: make demo served /docs, /health/ready and /metrics on :$port, and the task survived a restart"
