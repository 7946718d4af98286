#!/usr/bin/env bash
# The quick start: make this machine ready (scripts/setup.sh), build the CLI, and validate the
# bundled example module end to end against the real Docker Engine, exactly as mercure runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent build
exec node bin/mercure-module.js validate examples/blur --build-arg BASE_IMAGE=mmk-base/python-pydicom:bookworm "$@"
