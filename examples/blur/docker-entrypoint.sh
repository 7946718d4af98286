#!/usr/bin/env bash
set -Eeo pipefail
echo "blur: reading $MERCURE_IN_DIR, writing $MERCURE_OUT_DIR"
exec python3 /app/blur.py "$MERCURE_IN_DIR" "$MERCURE_OUT_DIR"
