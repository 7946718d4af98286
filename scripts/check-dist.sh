#!/usr/bin/env bash
# dist/ (the bundled GitHub Action) must be exactly what `npm run bundle` builds from the committed
# src/. This rebuilds it in a throw-away worktree of HEAD (so uncommitted work elsewhere in the tree
# cannot leak into it) and fails on any difference. `--update` copies the rebuilt dist/ into the
# working tree instead, ready to commit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
update=false
[ "${1:-}" = "--update" ] && update=true

work=$(mktemp -d "${TMPDIR:-/tmp}/mmk-check-dist-XXXXXX")
cleanup() {
  git -C "$root" worktree remove --force "$work/tree" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

git worktree add --quiet --detach "$work/tree" HEAD
# The same dependencies as here; the bundle keeps symlinked paths (--preserve-symlinks), so the
# output names node_modules/... exactly as in a real install.
ln -s "$root/node_modules" "$work/tree/node_modules"
(cd "$work/tree" && npm run --silent bundle)

if $update; then
  rm -rf "$root/dist"
  cp -R "$work/tree/dist" "$root/dist"
  echo "dist/ rebuilt from HEAD ($(wc -c < "$root/dist/index.js") bytes): commit it"
  exit 0
fi
changed=$(git -C "$work/tree" status --porcelain --untracked-files=all -- dist/)
if [ -n "$changed" ]; then
  echo "dist/ is not what \`npm run bundle\` builds from the committed src/:" >&2
  echo "$changed" >&2
  echo "Run \`bash scripts/check-dist.sh --update\` (or \`npm run bundle\` on a clean tree) and commit dist/." >&2
  exit 1
fi
echo "dist/ is up to date ($(wc -c < "$work/tree/dist/index.js") bytes)"
