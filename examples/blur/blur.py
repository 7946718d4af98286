"""Smooth every image of the input series with a box filter and store it as a new series.

Settings (from task.json, process.settings): `radius` (int, default 1) and `series_offset`
(int, default 1000, added to SeriesNumber). Reads DICOM from argv[1], writes to argv[2].
"""
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.uid import generate_uid


def load_settings(in_dir):
    try:
        with open(os.path.join(in_dir, "task.json"), encoding="utf-8") as handle:
            task = json.load(handle)
    except FileNotFoundError:
        return {}
    return (task.get("process") or {}).get("settings") or {}


def box_blur(pixels, radius):
    if radius <= 0:
        return pixels
    padded = np.pad(pixels.astype(np.float64), radius, mode="edge")
    size = 2 * radius + 1
    total = np.zeros(pixels.shape, dtype=np.float64)
    for dy in range(size):
        for dx in range(size):
            total += padded[dy : dy + pixels.shape[0], dx : dx + pixels.shape[1]]
    return total / (size * size)


def decoded(ds, name):
    """Decompresses ds in place; False (and says so) when this image has no decoder for its syntax."""
    syntax = ds.file_meta.TransferSyntaxUID
    if not syntax.is_compressed:
        return True
    try:
        # Blurred pixels are written back uncompressed, so the transfer syntax has to say so too.
        ds.decompress()
        return True
    except (NotImplementedError, RuntimeError) as error:
        print(f"blur: {name}: no decoder for {syntax.name} here, copied unblurred ({error})")
        return False


def main(in_dir, out_dir):
    settings = load_settings(in_dir)
    radius = int(settings.get("radius", 1))
    offset = int(settings.get("series_offset", 1000))
    new_series = {}
    written = 0
    for name in sorted(os.listdir(in_dir)):
        if not name.endswith(".dcm"):
            continue
        ds = pydicom.dcmread(os.path.join(in_dir, name))
        old_uid = ds.SeriesInstanceUID
        uid = new_series.setdefault(old_uid, generate_uid())
        if "PixelData" in ds and ds.get("SamplesPerPixel", 1) == 1 and "NumberOfFrames" not in ds and decoded(ds, name):
            pixels = ds.pixel_array
            smoothed = np.round(box_blur(pixels, radius)).astype(pixels.dtype)
            ds.PixelData = smoothed.tobytes()
        ds.SeriesInstanceUID = uid
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.SeriesNumber = int(ds.get("SeriesNumber", 0) or 0) + offset
        ds.SeriesDescription = f"BLUR({ds.get('SeriesDescription', '')})"[:64]
        rest = name.split("#", 1)[1] if "#" in name else name
        ds.save_as(os.path.join(out_dir, f"{uid}#{rest}"))
        written += 1
    print(f"blur: radius {radius}, wrote {written} files in {len(new_series)} series")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
