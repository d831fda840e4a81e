"""Build the local SWE-bench-layout images that swebench_sample and its tests use.

Usage: python scripts/build_swebench_images.py   (root: debootstrap runs once, then cached)
Prints each image with its id; images that exist are reused.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evalkit.swebench.images import build_sample_images


def main() -> None:
    for image, image_id in build_sample_images().items():
        print(f"{image}  {image_id[:19]}")


if __name__ == "__main__":
    main()
