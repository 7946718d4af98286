"""%%NAME%%: a mercure processing module.

mercure puts the case's DICOM files, named `<SeriesInstanceUID>#<name>.dcm`, and a task.json into
the input folder, starts the container, and takes every file the module writes to the output
folder. This module writes each input series as a new series: new SeriesInstanceUID and
SOPInstanceUIDs, SeriesNumber moved by an offset, SeriesDescription with a prefix. Put your own
processing into `process_dataset`.

Settings (task.json `process.settings`: the module's settings in mercure, updated by the rule's):
  series_number_offset       int, default 1000: added to SeriesNumber
  series_description_prefix  str, default "%%NAME%%": put in front of SeriesDescription

Usage: module.py IN_DIR OUT_DIR (docker-entrypoint.sh passes $MERCURE_IN_DIR and $MERCURE_OUT_DIR).
"""
import json
import os
import sys

import pydicom
from pydicom.uid import generate_uid

DEFAULTS = {"series_number_offset": 1000, "series_description_prefix": "%%NAME%%"}


def load_settings(in_dir):
    """The defaults, updated by task.json's process.settings (absent when run by hand)."""
    try:
        with open(os.path.join(in_dir, "task.json"), encoding="utf-8") as handle:
            task = json.load(handle)
    except FileNotFoundError:
        return dict(DEFAULTS)
    settings = (task.get("process") or {}).get("settings") or {}
    merged = {**DEFAULTS, **settings}
    try:
        merged["series_number_offset"] = int(merged["series_number_offset"])
    except (TypeError, ValueError):
        sys.exit(f"%%NAME%%: setting series_number_offset must be a whole number, got {merged['series_number_offset']!r}")
    merged["series_description_prefix"] = str(merged["series_description_prefix"])
    return merged


def process_dataset(ds, settings):
    """Your processing goes here. This one only renumbers and relabels the series."""
    ds.SeriesNumber = int(ds.get("SeriesNumber") or 0) + settings["series_number_offset"]
    description = f"{settings['series_description_prefix']} {ds.get('SeriesDescription', '')}".strip()
    ds.SeriesDescription = description[:64]


def main(in_dir, out_dir):
    settings = load_settings(in_dir)
    new_series = {}
    written = 0
    for name in sorted(os.listdir(in_dir)):
        if not name.endswith(".dcm"):
            continue  # task.json and the .tags sidecars
        ds = pydicom.dcmread(os.path.join(in_dir, name))
        # One new series per input series (a study-level rule passes several).
        series_uid = new_series.setdefault(ds.SeriesInstanceUID, generate_uid())
        ds.SeriesInstanceUID = series_uid
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        process_dataset(ds, settings)
        # mercure's naming: <SeriesInstanceUID>#<rest of the input name>, with the new series UID.
        rest = name.split("#", 1)[1] if "#" in name else name
        ds.save_as(os.path.join(out_dir, f"{series_uid}#{rest}"))
        written += 1
    print(f"%%NAME%%: wrote {written} file(s) in {len(new_series)} new series")
    if written == 0:
        # An empty output folder fails the case later, at dispatch: fail here, where the log shows why.
        sys.exit("%%NAME%%: no DICOM files in the input folder")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: module.py IN_DIR OUT_DIR")
    main(sys.argv[1], sys.argv[2])
