#!/usr/bin/env bash
# Generate the zego provider's SDKs from provider/plugin/schema.json with scripts/sdkgen (Pulumi's own
# code generators, pinned in scripts/sdkgen/go.mod) and print the output directory (LAST line of stdout):
#   dist/sdk/go/        Go module github.com/<owner>/<repo>/sdk/go (package .../zego; package.json `repository`)
#   dist/sdk/python/    Python package pulumi_zego (pyproject.toml)
#   dist/sdk/nodejs/    TypeScript package @pulumi-zego/zego
# Usage: scripts/gen-sdk.sh [go,python,nodejs]   (default: all three)
# The SDKs are build outputs (dist/ is git-ignored): `npm test` regenerates them, so they always match the schema.
#
# The tool is built once per source version into <repo>/.pulumi-cli/sdkgen-<hash>/ (Go module proxy, a
# warm Go cache after the CLI build makes that quick); no Go toolchain and no cached build: fail loudly.
# Safe to run repeatedly and concurrently (flock). Progress goes to stderr.
set -euo pipefail

log() { printf 'gen-sdk: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SRC="$REPO/scripts/sdkgen"
LANGS="${1:-go,python,nodejs}"
# SDKGEN_SCHEMA / SDKGEN_OUT: another schema and output directory (npm run release: the released schema).
SCHEMA="${SDKGEN_SCHEMA:-$REPO/provider/plugin/schema.json}"
OUT="${SDKGEN_OUT:-$REPO/dist/sdk}"
[[ -f "$SCHEMA" ]] || die "$SCHEMA is missing"

# The cache key is the tool's source: an edit to it (or to the pinned codegen version) rebuilds.
hash="$(cat "$SRC/go.mod" "$SRC/go.sum" "$SRC"/*.go | sha256sum | cut -c1-12)"
dir="$REPO/.pulumi-cli/sdkgen-$hash"
mkdir -p "$dir" "$OUT"
exec 9>"$OUT/.lock"
flock 9

if [[ ! -x "$dir/sdkgen" ]]; then
  command -v go >/dev/null 2>&1 || die "scripts/sdkgen is not built and there is no Go toolchain to build it (install Go >= 1.25, then re-run $0)"
  log "building scripts/sdkgen into $dir (Go module proxy; quick with a warm Go cache)"
  tmp="$(mktemp -d "$dir/.build.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  start=$SECONDS
  (cd "$SRC" && GOFLAGS=-buildvcs=false go build -trimpath -o "$tmp/sdkgen" .) >&2 || die "go build of scripts/sdkgen failed (see above)"
  mv -f "$tmp/sdkgen" "$dir/sdkgen"
  log "built sdkgen in $((SECONDS - start))s"
fi

"$dir/sdkgen" -schema "$SCHEMA" -out "$OUT" -lang "$LANGS" || die "sdkgen failed (see above)"
echo "$OUT"
