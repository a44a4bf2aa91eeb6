#!/usr/bin/env bash
# Ensure the `command` resource plugin (pulumi-resource-command) that @pulumi/command needs, and print the
# directory holding it (LAST line of stdout). Put that directory on PATH: with
# PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true the engine still finds a plugin binary on PATH.
#
#   scripts/ensure-command-plugin.sh [--no-build]
#
# Resolution order:
#   1. pulumi-resource-command on PATH                       -> its directory
#   2. a cached build next to the CLI                        -> <repo>/.pulumi-cli/v<cli>/bin
#   3. `go build` of github.com/pulumi/pulumi-command/provider/cmd/pulumi-resource-command
#      at $COMMAND_PLUGIN_GO_VERSION from the Go module proxy, in a throwaway wrapper module
#      (skipped with --no-build)
#   4. otherwise exit 1, saying why.
#
# Status on the project's machines (checked with go 1.26.8, GOPROXY=https://proxy.golang.org,direct):
# step 3 cannot work. The proxy answers 403 "This module version is not available" for every
# github.com/pulumi/pulumi-command module path and version (provider, provider/v4, the cmd package,
# sdk, @latest, @v4.5.0, a commit pseudo-version), and `direct` needs github.com, which is unreachable.
# The plugin's normal source, a GitHub release download, is unreachable too. Elsewhere, a normal
# Pulumi install downloads the plugin on first use, or: pulumi plugin install resource command <version>.
#
# Also note: @pulumi/command 4.5.0 (the npm version pinned in this repo's devDependencies) predates the
# 1.x line despite its number (its SDK lacks 1.x inputs such as `logging`); the registry's `latest` is
# 1.2.1. The engine asks for the plugin version of the installed SDK.
set -euo pipefail

log() { printf 'ensure-command-plugin: %s\n' "$*" >&2; }

NO_BUILD=0
[[ "${1:-}" == "--no-build" ]] && NO_BUILD=1

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd -P)"
SDK_VERSION="$(node -p "require('$REPO/node_modules/@pulumi/command/package.json').version.replace(/^v/, '')" 2>/dev/null || echo "")"
GO_VERSION="${COMMAND_PLUGIN_GO_VERSION:-v${SDK_VERSION:-4.5.0}}"
GO_PACKAGE="github.com/pulumi/pulumi-command/provider/cmd/pulumi-resource-command"
GO_MODULE="github.com/pulumi/pulumi-command/provider"

# --- 1. on PATH --------------------------------------------------------------------------------
if found="$(command -v pulumi-resource-command 2>/dev/null)"; then
  log "using $found from PATH"
  dirname "$found"
  exit 0
fi

# --- 2. cached next to the CLI -----------------------------------------------------------------
CLI_DIR="$(bash "$SCRIPT_DIR/ensure-pulumi.sh" | tail -n 1)"
BIN="$CLI_DIR/bin"
if [[ -x "$BIN/pulumi-resource-command" ]]; then
  log "using cached $BIN/pulumi-resource-command"
  echo "$BIN"
  exit 0
fi

if [[ "$NO_BUILD" == 1 ]]; then
  log "no pulumi-resource-command on PATH or in $BIN (not building: --no-build)"
  exit 1
fi

# --- 3. build from the Go module proxy ---------------------------------------------------------
command -v go >/dev/null 2>&1 || { log "ERROR: no Go toolchain to build the plugin"; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
log "building $GO_PACKAGE@$GO_VERSION (wrapper module in $tmp; time limit 25 min)"
(
  cd "$tmp"
  go mod init pulumi-zego-aiagent/command-plugin >/dev/null 2>&1 &&
  timeout 1500 go get "$GO_PACKAGE@$GO_VERSION" &&
  GOFLAGS=-buildvcs=false timeout 1500 go build -trimpath \
    -ldflags "-s -w -X $GO_MODULE/pkg/version.Version=$GO_VERSION" \
    -o "$tmp/pulumi-resource-command" "$GO_PACKAGE"
) >&2 || {
  log "ERROR: could not build the command plugin from the Go module proxy (see above)."
  log "Install it instead with a normal Pulumi setup: pulumi plugin install resource command ${GO_VERSION}"
  exit 1
}
mv -f "$tmp/pulumi-resource-command" "$BIN/pulumi-resource-command"
log "built $BIN/pulumi-resource-command"
echo "$BIN"
