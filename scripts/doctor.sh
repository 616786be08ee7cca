#!/usr/bin/env bash
# Prints the version of every tool the project uses, and what is missing.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/bin:$PATH"
row() { printf '%-12s %s\n' "$1" "$2"; }
ver() { # name command...
  local name=$1; shift
  if command -v "$name" >/dev/null 2>&1; then row "$name" "$("$@" 2>&1 | grep -v 'unexpected operator' | head -n1)"; else row "$name" "MISSING (make tools)"; fi
}
# Node: the version actually used (first on PATH, as in every make target) and where it comes from.
pinned=$(scripts/node.sh --pinned)
if ! command -v node >/dev/null 2>&1; then
  row node "MISSING (make tools installs the pinned $pinned)"
elif [ "$(command -v node)" = "$PWD/bin/node" ]; then
  row node "$(node --version) from bin/node -> $(readlink bin/node) (pinned $pinned in scripts/node.sh)"
else
  row node "$(node --version) from $(command -v node): NOT the pinned $pinned (make tools)"
fi
# npm is a script run by the first `node` on PATH: show which one it runs on.
if command -v npm >/dev/null 2>&1; then
  row npm "$(npm --version) on node $(npm version --json | node -p 'JSON.parse(require("fs").readFileSync(0)).node')"
else
  row npm "MISSING (install any Node with npm to bootstrap)"
fi
ver go go version
ver helm helm version --short
ver actionlint actionlint --version
ver trivy trivy --version
ver promtool promtool --version
ver amtool amtool --version
ver prometheus prometheus --version
ver prometheus-alertmanager prometheus-alertmanager --version
ver toxiproxy-server toxiproxy-server -version
ver chromium chromium --version
ver nginx nginx -v
ver psql psql --version
ver redis-cli redis-cli --version
row k6 "not used: AGPL-licensed; load tests use autocannon ($(node -p "require('autocannon/package.json').version" 2>/dev/null || echo 'npm ci first'))"
if [ -x node_modules/.bin/tsc ]; then row typescript "$(node_modules/.bin/tsc --version)"; fi
if [ -x node_modules/.bin/biome ]; then row biome "$(node_modules/.bin/biome --version)"; fi
