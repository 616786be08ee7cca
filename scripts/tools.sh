#!/usr/bin/env bash
# Installs the external tools the project runs, idempotently. A tool already on PATH (or in
# ./bin) is used as it is; otherwise a pinned version is installed: Go tools into ./bin
# (git-ignored), Debian packages through apt when it is available.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/bin"
mkdir -p "$BIN"
export PATH="$BIN:$PATH"

# Pinned versions (Node's pin is in scripts/node.sh, which make also runs before npm ci). k6 is
# deliberately absent: it is AGPL-licensed and not to be used here, so the load tests and
# benchmarks use autocannon (an npm devDependency) instead.
HELM_MODULE="helm.sh/helm/v3/cmd/helm@v3.22.0"
ACTIONLINT_MODULE="github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
# The local drills' fault proxy between the API and PostgreSQL/Redis (make drill).
TOXIPROXY_MODULE="github.com/Shopify/toxiproxy/v2/cmd/server@v2.5.0"
# trivy 0.74 imports encoding/json/v2: it only builds with GOEXPERIMENT=jsonv2 (about 12 minutes
# cold on 2 cores, a 343 MB binary; CI caches bin/ and the Go build cache).
TRIVY_MODULE="github.com/aquasecurity/trivy/cmd/trivy@v0.74.0"

have() { command -v "$1" >/dev/null 2>&1; }

go_tool() { # name module
  local name=$1 module=$2
  if have "$name"; then return 0; fi
  if ! have go; then
    echo "tools: $name missing and Go is not installed; install Go or $name yourself" >&2
    return 1
  fi
  echo "tools: go install $module -> bin/"
  GOBIN="$BIN" GOFLAGS=-mod=mod go install "$module"
}

# toxiproxy's server package is named `server`: built into a scratch GOBIN, installed under its real name.
toxiproxy_tool() {
  if have toxiproxy-server; then return 0; fi
  if ! have go; then
    echo "tools: toxiproxy-server missing and Go is not installed; install Go or toxiproxy-server yourself" >&2
    return 1
  fi
  echo "tools: go install $TOXIPROXY_MODULE -> bin/toxiproxy-server"
  local scratch
  scratch=$(mktemp -d)
  GOBIN="$scratch" GOFLAGS=-mod=mod go install "$TOXIPROXY_MODULE" && mv "$scratch/server" "$BIN/toxiproxy-server"
  local rc=$?
  rm -rf "$scratch"
  return "$rc"
}

APT_UPDATED=0
apt_tool() { # command package
  local cmd=$1 pkg=$2
  if have "$cmd"; then return 0; fi
  if ! have apt-get || [ "$(id -u)" -ne 0 ]; then
    echo "tools: $cmd missing; install the Debian package '$pkg' (needs apt and root)" >&2
    return 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  echo "tools: apt-get install $pkg"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
}

# Every tool is attempted even if one fails, then the script fails if any did. The Debian
# packages install in the background while Go compiles (apt waits on the network and dpkg, Go on
# the CPU): on a fresh machine that hides the packages' minutes inside trivy's build.
failed=0
scripts/node.sh || failed=1
(
  apt_failed=0
  apt_tool promtool prometheus || apt_failed=1
  apt_tool amtool prometheus-alertmanager || apt_failed=1
  apt_tool chromium chromium || apt_failed=1
  apt_tool shellcheck shellcheck || apt_failed=1
  apt_tool nginx nginx-light || apt_failed=1
  exit "$apt_failed"
) &
apt_pid=$!
go_tool helm "$HELM_MODULE" || failed=1
go_tool actionlint "$ACTIONLINT_MODULE" || failed=1
toxiproxy_tool || failed=1
GOEXPERIMENT=jsonv2 go_tool trivy "$TRIVY_MODULE" || failed=1
wait "$apt_pid" || failed=1
exit "$failed"
