#!/usr/bin/env python3
"""Pillow peer of civic-core's photo pipeline, written the way a Python developer would:
open, apply the EXIF orientation, thumbnail to 1600 px, save as JPEG quality 80 without EXIF.

usage: photo_pillow.py IN.jpg OUT.jpg
"""
import sys

from PIL import Image, ImageOps


def main(src: str, dst: str) -> None:
    with Image.open(src) as im:
        im = ImageOps.exif_transpose(im)
        im.thumbnail((1600, 1600))
        im.convert("RGB").save(dst, "JPEG", quality=80, exif=b"")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
