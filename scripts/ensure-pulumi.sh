#!/usr/bin/env bash
# Ensure a Pulumi CLI usable by the integration tests and print its root directory.
#
# The LAST line of stdout is an absolute directory <dir> such that:
#   <dir>/bin/pulumi                          a Pulumi CLI >= the pinned version
#   <dir>/bin/pulumi-resource-pulumi-nodejs   the dynamic-provider plugin (from node_modules/@pulumi/pulumi)
#   <dir>/bin/pulumi-language-nodejs          only when an ambient install provides it
# Pass <dir> to `PulumiCommand.get({ root: dir })` and put <dir>/bin first on PATH.
#
# Resolution order:
#   1. `pulumi` on PATH, if new enough       -> <repo>/.pulumi-cli/ambient    (symlinks)
#      (skipped when PULUMI_ENSURE_IGNORE_AMBIENT=1)
#   2. a previous build of the pinned version -> <repo>/.pulumi-cli/v<ver>
#   3. `go build` from scripts/pulumi-cli     -> <repo>/.pulumi-cli/v<ver>
#      (Go module proxy only; the first build downloads ~1 GB and compiles for several minutes)
#   4. otherwise: print install instructions to stderr and exit 1.
# Progress goes to stderr. Safe to run repeatedly and concurrently (flock).
#
# The Node language host (pulumi-language-nodejs) cannot be built here: its Go module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) has no version tags and the module
# proxy refuses it (403). So a built CLI runs Automation API *inline* programs only (the Automation API
# serves the language runtime in-process); `pulumi up` in a project directory needs an ambient install.
set -euo pipefail

log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd -P)"
WRAPPER="$SCRIPT_DIR/pulumi-cli"
CLI_ROOT="$REPO/.pulumi-cli"

# The pinned version is the one required by the wrapper module (single source of truth).
VERSION="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" || ($1 == "require" && $2 == "github.com/pulumi/pulumi/pkg/v3") { for (i = 1; i <= NF; i++) if ($i ~ /^v3\./) { print substr($i, 2); exit } }' "$WRAPPER/go.mod")"
[[ -n "$VERSION" ]] || die "cannot read the github.com/pulumi/pulumi/pkg/v3 version from $WRAPPER/go.mod"

DYN_PLUGIN_SRC="$REPO/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[[ -f "$DYN_PLUGIN_SRC" ]] || die "$DYN_PLUGIN_SRC not found: run 'npm ci' first"

# Prints the bare version (e.g. 3.248.0) reported by the CLI at $1, or fails.
cli_version() {
  local out
  out="$(PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null)" || return 1
  out="${out%%$'\n'*}"
  out="${out#v}"
  [[ "$out" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || return 1
  printf '%s\n' "$out"
}

# True when version $1 >= version $2 (a pre-release such as 3.250.0-alpha.x counts as its base).
version_ge() {
  local a="${1%%[-+]*}" b="${2%%[-+]*}"
  [[ "$(printf '%s\n%s\n' "$b" "$a" | sort -V | head -n1)" == "$b" ]]
}

install_dyn_plugin() { # $1 = bin dir
  local dest="$1/pulumi-resource-pulumi-nodejs"
  if [[ -L "$dest" ]] || ! cmp -s "$DYN_PLUGIN_SRC" "$dest" 2>/dev/null; then
    rm -f "$dest"
    cp "$DYN_PLUGIN_SRC" "$dest.tmp.$$"
    chmod +x "$dest.tmp.$$"
    mv -f "$dest.tmp.$$" "$dest"
  fi
  [[ -x "$dest" ]] || chmod +x "$dest"
}

mkdir -p "$CLI_ROOT"
exec 9>"$CLI_ROOT/.lock"
flock 9

# --- 1. ambient CLI -----------------------------------------------------------------------
if [[ "${PULUMI_ENSURE_IGNORE_AMBIENT:-}" != "1" ]] && ambient="$(command -v pulumi 2>/dev/null)"; then
  ambient_real="$(realpath "$ambient")"
  case "$ambient_real" in
    "$CLI_ROOT"/*) ;; # our own build put on PATH by a caller: not ambient
    *)
      if v="$(cli_version "$ambient_real")" && version_ge "$v" "$VERSION"; then
        dir="$CLI_ROOT/ambient"
        mkdir -p "$dir/bin"
        real_bin="$(dirname "$ambient_real")"
        for p in pulumi-language-nodejs pulumi-resource-pulumi-nodejs; do
          if [[ -x "$real_bin/$p" ]]; then
            [[ "$(readlink "$dir/bin/$p" || true)" == "$real_bin/$p" ]] || ln -sfn "$real_bin/$p" "$dir/bin/$p"
          elif [[ -L "$dir/bin/$p" ]]; then
            rm -f "$dir/bin/$p"
          fi
        done
        if [[ -x "$real_bin/pulumi-resource-pulumi-nodejs" ]]; then
          [[ "$(readlink "$dir/bin/pulumi" || true)" == "$ambient_real" ]] || ln -sfn "$ambient_real" "$dir/bin/pulumi"
        else
          # The install lacks the dynamic-provider plugin. The engine looks for bundled plugins next to
          # the *resolved* pulumi executable and warns ("using ... from $PATH") when it finds one only on
          # PATH, so link the binary itself (hard link, else copy) next to our copy of the plugin.
          install_dyn_plugin "$dir/bin"
          if [[ -L "$dir/bin/pulumi" ]] || { [[ ! "$dir/bin/pulumi" -ef "$ambient_real" ]] \
            && ! cmp -s "$ambient_real" "$dir/bin/pulumi" 2>/dev/null; }; then
            rm -f "$dir/bin/pulumi"
            ln "$ambient_real" "$dir/bin/pulumi" 2>/dev/null || cp "$ambient_real" "$dir/bin/pulumi"
          fi
        fi
        log "using pulumi $v from PATH ($ambient_real)"
        echo "$dir"
        exit 0
      else
        log "ignoring pulumi on PATH ($ambient_real, version ${v:-unknown}): need >= $VERSION"
      fi
      ;;
  esac
fi

dir="$CLI_ROOT/v$VERSION"

# --- 2. previous build --------------------------------------------------------------------
if [[ -x "$dir/bin/pulumi" ]] && v="$(cli_version "$dir/bin/pulumi")" && [[ "$v" == "$VERSION" ]]; then
  install_dyn_plugin "$dir/bin"
  log "using pulumi $v from $dir/bin"
  echo "$dir"
  exit 0
fi

# --- 3. build with Go ---------------------------------------------------------------------
if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<EOF
ensure-pulumi: ERROR: no Pulumi CLI >= $VERSION found, and no Go toolchain to build one.
Install the Pulumi CLI (https://www.pulumi.com/docs/iac/download-install/), for example:
    curl -fsSL https://get.pulumi.com | sh          # Linux / macOS
    brew install pulumi/tap/pulumi                  # macOS (Homebrew)
    choco install pulumi                            # Windows (Chocolatey)
then make sure 'pulumi version' prints v$VERSION or newer and 'pulumi' is on PATH.
Alternatively install Go >= 1.25 and re-run this script to build the CLI from source.
EOF
  exit 1
fi

log "building pulumi v$VERSION from $WRAPPER into $dir/bin (first build: ~1 GB of modules, several minutes)"
mkdir -p "$dir/bin"
tmp="$(mktemp -d "$dir/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
(
  cd "$WRAPPER"
  GOFLAGS=-buildvcs=false go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VERSION" \
    -o "$tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
) >&2 || die "go build of the Pulumi CLI failed (see above)"
v="$(cli_version "$tmp/pulumi")" || die "the freshly built $tmp/pulumi does not run"
[[ "$v" == "$VERSION" ]] || die "the freshly built CLI reports version $v, expected $VERSION"
mv -f "$tmp/pulumi" "$dir/bin/pulumi"
install_dyn_plugin "$dir/bin"
log "built pulumi $v in $((SECONDS - start))s"
echo "$dir"
