#!/usr/bin/env bash
# Rebuilds dist/ (the bundled GitHub Action) from src/ with the pinned esbuild, and fails when the
# result differs from what is committed: dist/ must always be what `npm run bundle` makes.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run --silent bundle
changed=$(git status --porcelain --untracked-files=all -- dist/)
if [ -n "$changed" ]; then
  echo "dist/ is not what \`npm run bundle\` builds from src/:" >&2
  echo "$changed" >&2
  git --no-pager diff --stat -- dist/ >&2
  echo "Run \`npm run bundle\` and commit dist/ (with the src/ change that caused it)." >&2
  exit 1
fi
echo "dist/ is up to date ($(wc -c < dist/index.js) bytes)"
