#!/usr/bin/env bash
# Publish what `npm run release` wrote to dist/release/ for tag <tag> (v<package.json version>):
#   1. check the tag names package.json's version and every file against SHA256SUMS;
#   2. a GitHub release <tag> with every file of dist/release/ (gh; GH_TOKEN), notes from CHANGELOG.md,
#      and goproxy/ as one archive (unpack it and point GOPROXY=file://<dir>,https://proxy.golang.org at it);
#   3. npm publish of the package and of the Node.js SDK (NODE_AUTH_TOKEN; --provenance under GitHub Actions);
#   4. the Python sdist to PyPI with twine when TWINE_PASSWORD is set (otherwise it is on the GitHub release only).
# Usage: scripts/release/publish.sh <tag> [--dry-run]   (--dry-run: checks and prints, publishes nothing)
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$REPO"
log() { printf 'publish: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

tag="${1:?usage: publish.sh <tag> [--dry-run]}"
dry="${2:-}"
version="$(node -p 'require("./package.json").version')"
[[ "$tag" == "v$version" ]] || die "tag $tag does not name package.json's version $version (expected v$version)"
out="dist/release"
[[ -f "$out/SHA256SUMS" ]] || die "$out/SHA256SUMS is missing: run 'npm run release' first"
(cd "$out" && sha256sum --quiet -c SHA256SUMS) || die "$out does not match its SHA256SUMS"

# The release notes: CHANGELOG.md's section for this version.
notes="$(mktemp)"
trap 'rm -f "$notes"' EXIT
awk -v v="$version" '$0 ~ "^## \\[" { if (on) exit; on = ($0 ~ "^## \\[" v "\\]") ; next } on' CHANGELOG.md > "$notes"
[[ -s "$notes" ]] || die "CHANGELOG.md has no section '## [$version]'"

work="$(mktemp -d)"
trap 'rm -f "$notes"; rm -rf "$work"' EXIT
goproxy="$work/pulumi-zego-go-sdk-v$version-goproxy.tar.gz"
tar -czf "$goproxy" -C "$out" goproxy
mapfile -t files < <(find "$out" -maxdepth 1 -type f | sort)
files+=("$goproxy")
npm_tgz="$out/pulumi-zego-aiagent-$version.tgz"
sdk_tgz="$out/pulumi-zego-zego-$version.tgz"
sdist="$out/pulumi_zego-$version.tar.gz"
for f in "$npm_tgz" "$sdk_tgz" "$sdist"; do [[ -f "$f" ]] || die "$f is missing"; done
provenance=()
[[ -n "${GITHUB_ACTIONS:-}" ]] && provenance=(--provenance)

if [[ "$dry" == "--dry-run" ]]; then
  log "would create GitHub release $tag with: ${files[*]}"
  log "would npm publish $npm_tgz $sdk_tgz ${provenance[*]}"
  log "would upload $sdist to PyPI when TWINE_PASSWORD is set"
  cat "$notes"
  exit 0
fi
gh release create "$tag" --title "$tag" --notes-file "$notes" --verify-tag "${files[@]}"
npm publish "$npm_tgz" --access public "${provenance[@]}"
npm publish "$sdk_tgz" --access public "${provenance[@]}"
if [[ -n "${TWINE_PASSWORD:-}" ]]; then
  python3 -m pip install --quiet twine && python3 -m twine upload --non-interactive "$sdist"
else
  log "PyPI: TWINE_PASSWORD is not set; $sdist is on the GitHub release only"
fi
log "published $tag"
