#!/usr/bin/env bash
# Ensure the Pulumi YAML language host (pulumi-language-yaml) that runs examples/yaml-voice-agent and
# print the directory holding it (LAST line of stdout). Put that directory on PATH.
#
# Resolution order:
#   1. a previous build of the pinned version -> <repo>/.pulumi-cli/language-yaml-v<ver>/bin
#   2. `go install` from the Go module proxy  -> the same directory (first build: a few minutes)
#   3. otherwise: fail loudly (exit 1). Nothing is skipped.
# Safe to run repeatedly and concurrently (flock). Progress goes to stderr.
set -euo pipefail

VERSION="1.25.0"
MODULE="github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"

log() { printf 'ensure-language-yaml: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
dir="$REPO/.pulumi-cli/language-yaml-v$VERSION/bin"
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9

if [[ -x "$dir/pulumi-language-yaml" ]]; then
  log "using pulumi-language-yaml v$VERSION from $dir"
  echo "$dir"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "pulumi-language-yaml v$VERSION is not built and there is no Go toolchain to build it (install Go >= 1.24, then re-run $0)"

log "building $MODULE@v$VERSION into $dir (Go module proxy; first build takes a few minutes)"
tmp="$(mktemp -d "$dir/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
GOBIN="$tmp" GOFLAGS=-buildvcs=false go install -trimpath -ldflags "-s -w" "$MODULE@v$VERSION" >&2 \
  || die "go install $MODULE@v$VERSION failed (see above)"
[[ -x "$tmp/pulumi-language-yaml" ]] || die "go install produced no $tmp/pulumi-language-yaml"
mv -f "$tmp/pulumi-language-yaml" "$dir/pulumi-language-yaml"
log "built pulumi-language-yaml v$VERSION in $((SECONDS - start))s"
echo "$dir"
