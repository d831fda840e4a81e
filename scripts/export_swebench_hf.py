"""Export a SWE-bench dataset from the Hugging Face Hub to a folder evalkit reads with --data.

Usage: python scripts/export_swebench_hf.py DIR [--name SWE-bench/SWE-bench_Verified]
Writes DIR/instances.jsonl (the v5 rows, validated); then:
  evalkit run swebench_verified --data DIR --predictions preds.jsonl
Needs network access to the Hub (not available on evalkit's build machines; the
500 Verified rows are bundled in benchmarks/swebench_verified instead).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evalkit.swebench.instances import HF_DATASET, load_hf


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--name", default=HF_DATASET)
    ap.add_argument("--split", default="test")
    args = ap.parse_args()
    insts = load_hf(args.name, args.split)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "instances.jsonl", "w", encoding="utf-8") as f:
        for inst in insts:
            f.write(json.dumps(inst.row) + "\n")
    print(f"wrote {len(insts)} instances to {args.out / 'instances.jsonl'}")


if __name__ == "__main__":
    main()
