#!/usr/bin/env bash
# mercure runs the image without a command, so this script is what runs. The case's DICOM files
# and task.json are in $MERCURE_IN_DIR; everything written to $MERCURE_OUT_DIR is the result.
set -Eeo pipefail
echo "%%NAME%%: reading $MERCURE_IN_DIR, writing $MERCURE_OUT_DIR"
exec python3 /app/module.py "$MERCURE_IN_DIR" "$MERCURE_OUT_DIR"
