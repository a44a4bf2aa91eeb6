#!/usr/bin/env bash
# Build the `zego` provider plugin for this host from the compiled dist/ (run `npm run build` first;
# `npm run plugin` does both), as a release ships it (scripts/release/plugin.ts):
#   dist/plugin/                              the plugin directory (Pulumi.yaml plugins.providers path, or PATH)
#     pulumi-resource-zego                    the launcher: checks for Node.js >= 20, runs the bundle
#     pulumi-resource-zego.js                 the provider and its dependencies, bundled with esbuild
#     schema.json, README.md, LICENSE, THIRD-PARTY-NOTICES
#   dist/pulumi-resource-zego-v<ver>-<os>-<arch>.tar.gz   for `pulumi plugin install resource zego <ver> --file <tgz>`
# `npm run release` builds the archives for every OS. The LAST line of stdout is the plugin directory.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$REPO"
[[ -f dist/scripts/release/plugin.js ]] || { echo "plugin: ERROR: dist/ is not built: run 'npm run build' first" >&2; exit 1; }
node dist/scripts/release/plugin.js "$REPO/dist/plugin"
