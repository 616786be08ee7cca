#!/usr/bin/env bash
# The api image, rehearsed without Docker (docs/delivery.md "Rehearsal without Docker"): the deps
# stage's exact production-only `npm ci` into a scratch /app, the compiled contracts and API copied
# where the runtime stage copies them, then the image's CMD started from <scratch>/api with
# NODE_ENV=production against the local PostgreSQL and Redis until /health/ready answers 200.
# It catches a runtime import of a devDependency, which the unit tests (full node_modules) cannot.
# The npm command and the CMD are read from api/Dockerfile, so the rehearsal follows it.
# Needs `make build` (contracts/dist, api/dist) first; `make rehearse-image-api` does that.
set -euo pipefail

[[ $# -eq 0 ]] || { echo "usage: $0   (env: REHEARSAL_DATABASE_URL, REHEARSAL_REDIS_URL, REHEARSAL_PORT)" >&2; exit 2; }
DOCKERFILE=api/Dockerfile
DATABASE_URL=${REHEARSAL_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
REDIS_URL=${REHEARSAL_REDIS_URL-redis://127.0.0.1:6379/14} # set empty: no Redis
PORT=${REHEARSAL_PORT:-38431}
for built in contracts/dist/index.js api/dist/src/main.js; do
  [[ -f $built ]] || { echo "rehearse-api-image: $built missing (run make build)" >&2; exit 1; }
done

npm_ci=$(grep -o 'npm ci [^\\]*--omit=dev[^\\]*' "$DOCKERFILE" | head -n 1 | sed 's/ *$//')
mapfile -t cmd < <(sed -n 's/^CMD //p' "$DOCKERFILE" | tail -n 1 | jq -r '.[]')
[[ -n $npm_ci && ${#cmd[@]} -gt 0 ]] || { echo "rehearse-api-image: no deps npm ci or CMD in $DOCKERFILE" >&2; exit 1; }

app=$(mktemp -d "${TMPDIR:-/tmp}/taskboard-image-api.XXXXXX")
pid=''
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$app"
}
trap cleanup EXIT

# deps stage: the manifests only, then its npm ci.
cp package.json package-lock.json "$app/"
for ws in contracts api dashboards frontend; do mkdir -p "$app/$ws" && cp "$ws/package.json" "$app/$ws/"; done
echo "rehearse-api-image: ($app) $npm_ci"
(cd "$app" && $npm_ci >/dev/null)
echo "rehearse-api-image: production node_modules $(du -sh "$app/node_modules" | cut -f1)"
# runtime stage: the compiled output, nothing else.
mkdir -p "$app/contracts" "$app/api/dist"
cp -r contracts/dist "$app/contracts/dist"
cp -r api/dist/src "$app/api/dist/src"

echo "rehearse-api-image: ${cmd[*]} (from $app/api, port $PORT)"
(cd "$app/api" && exec env NODE_ENV=production DATABASE_URL="$DATABASE_URL" ${REDIS_URL:+REDIS_URL="$REDIS_URL"} \
  PORT="$PORT" METRICS_PORT=0 JWT_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  "${cmd[@]}") >"$app/api.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready") == 200 ]]; then
    echo "rehearse-api-image: /health/ready = 200: the image's dependencies and command work"
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
echo "rehearse-api-image: the API did not become ready; its log:" >&2
cat "$app/api.log" >&2
exit 1
