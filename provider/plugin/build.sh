#!/usr/bin/env bash
# Build the `zego` provider plugin from the compiled dist/ (run `npm run build` first; `npm run plugin`
# does both):
#   dist/plugin/                              the plugin directory (Pulumi.yaml plugins.providers path, or PATH)
#     pulumi-resource-zego                    executable: exec node on lib/provider/plugin/main.js
#     schema.json, package.json               the schema (from the field table) and the plugin's version
#     lib/                                    the compiled provider code
#     node_modules/                           its production dependencies (npm install --omit=dev, from the npm cache when present)
#   dist/pulumi-resource-zego-v<ver>-<os>-<arch>.tar.gz   for `pulumi plugin install resource zego <ver> --file <tgz>`
# The LAST line of stdout is the plugin directory. Fails loudly on any error.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$REPO"
log() { printf 'plugin: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ -f dist/provider/plugin/main.js ]] || die "dist/provider/plugin/main.js is missing: run 'npm run build' first"
VERSION="$(node -p 'require("./package.json").version')"
dep() { node -p "require('./node_modules/$1/package.json').version" 2>/dev/null || die "node_modules/$1 missing: run 'npm ci' first"; }

out="dist/plugin"
rm -rf "$out.tmp" && mkdir -p "$out.tmp/lib/provider"
cp -R dist/provider/. "$out.tmp/lib/provider/" && find "$out.tmp/lib" -type f ! -name "*.js" -delete
node dist/provider/plugin/writeSchema.js "$out.tmp/schema.json" 2>/dev/null
cat > "$out.tmp/package.json" <<JSON
{
  "name": "pulumi-resource-zego",
  "version": "$VERSION",
  "private": true,
  "description": "The zego Pulumi resource provider plugin (ZEGOCLOUD AI Agent)",
  "license": "Apache-2.0",
  "dependencies": {
    "axios": "$(dep axios)",
    "@grpc/grpc-js": "$(dep @grpc/grpc-js)",
    "google-protobuf": "$(dep google-protobuf)",
    "@pulumi/pulumi": "$(dep @pulumi/pulumi)"
  }
}
JSON
# The package.json the compiled code reads its version from sits three levels above lib/provider/plugin/main.js.
cat > "$out.tmp/pulumi-resource-zego" <<'SH'
#!/bin/sh
# The zego Pulumi resource provider: serve it (the engine passes its address as the argument).
dir="$(dirname "$(readlink -f "$0")")"
exec node "$dir/lib/provider/plugin/main.js" "$@"
SH
chmod +x "$out.tmp/pulumi-resource-zego"
if [[ -d "$out/node_modules" ]] && cmp -s "$out/package.json" "$out.tmp/package.json"; then
  log "reusing $out/node_modules (same dependencies)"
  mv "$out/node_modules" "$out.tmp/node_modules"
else
  log "installing production dependencies into $out/node_modules"
  (cd "$out.tmp" && npm install --omit=dev --prefer-offline --no-audit --no-fund --no-package-lock --ignore-scripts --loglevel=error >&2) \
    || die "npm install of the plugin's dependencies failed"
fi
rm -rf "$out" && mv "$out.tmp" "$out"

os="$(uname -s | tr '[:upper:]' '[:lower:]')"
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
tarball="dist/pulumi-resource-zego-v$VERSION-$os-$arch.tar.gz"
tar -czf "$tarball" -C "$out" .
log "built $out and $tarball"
echo "$REPO/$out"
