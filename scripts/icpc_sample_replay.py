#!/usr/bin/env python3
"""Write every icpc_sample solution as replayable generations, then print the verdict table.

    python scripts/icpc_sample_replay.py gens.jsonl
    evalkit run icpc_sample --backend replay --generations gens.jsonl --out /tmp/icpc-replay

Prints, per problem, the expected verdict of each sample (from submissions/EXPECTED.json),
to compare with the run's judgements.jsonl.  Rejected solutions come first, so solved@1 is 0
and each problem's first accepted position is its number of rejected solutions + 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TAGS = {".c": "c", ".cpp": "cpp", ".java": "java", ".kt": "kotlin", ".py": "python"}
PROBLEMS = Path(__file__).resolve().parents[1] / "benchmarks" / "icpc_sample" / "problems"


def main(out: Path) -> None:
    lines = []
    for prob in sorted(p for p in PROBLEMS.iterdir() if p.is_dir()):
        exp = json.loads((prob / "submissions" / "EXPECTED.json").read_text())
        for sample, rel in enumerate(sorted(exp, key=lambda r: (exp[r] == "AC", r))):
            tag = TAGS[Path(rel).suffix]
            code = (prob / rel).read_text()
            lines.append({"problem_id": prob.name, "sample": sample,
                          "response": f"```{tag}\n{code}\n```\n"})
            print(f"{prob.name:10} {sample:3} {exp[rel]:4} {rel}")
    out.write_text("".join(json.dumps(x) + "\n" for x in lines))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "gens.jsonl"))
