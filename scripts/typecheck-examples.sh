#!/usr/bin/env bash
# Type-check every example with its own tsconfig (`tsc --noEmit -p examples/<name>`), as a user's copy would
# be checked: "pulumi-zego-aiagent" resolves through node_modules/pulumi-zego-aiagent (a link to this repo)
# to the package's published types in dist/, so run `npm run build` first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -f dist/provider/index.d.ts ]] || { echo "typecheck-examples: dist/provider/index.d.ts missing: run 'npm run build' first" >&2; exit 1; }
status=0
for config in examples/*/tsconfig.json; do
  dir="$(dirname "$config")"
  if npx --no-install tsc --noEmit -p "$dir"; then
    echo "typecheck-examples: $dir OK"
  else
    echo "typecheck-examples: $dir FAILED" >&2
    status=1
  fi
done
exit "$status"
