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
ver node node --version
ver npm npm --version
ver go go version
ver helm helm version --short
ver actionlint actionlint --version
ver promtool promtool --version
ver amtool amtool --version
ver prometheus prometheus --version
ver chromium chromium --version
ver nginx nginx -v
ver psql psql --version
ver redis-cli redis-cli --version
row k6 "not used: AGPL-licensed; load tests use autocannon ($(node -p "require('autocannon/package.json').version" 2>/dev/null || echo 'npm ci first'))"
if [ -x node_modules/.bin/tsc ]; then row typescript "$(node_modules/.bin/tsc --version)"; fi
if [ -x node_modules/.bin/biome ]; then row biome "$(node_modules/.bin/biome --version)"; fi
