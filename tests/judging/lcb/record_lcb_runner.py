"""Record lcb_runner's own verdicts on lcb_runner_cases.py (not run in CI).

Usage (lcb_runner unchanged, in a scratch venv with numpy and tqdm)::

    git --git-dir=<LiveCodeBench mirror> archive 28fef95 | tar -x -C /tmp/lcb
    PYTHONPATH=/tmp/lcb:. venv/bin/python tests/judging/lcb/record_lcb_runner.py \\
        --revision 28fef95ea8c9f7a547c8329f2cd3d32b92c1fa24 < /dev/null

It extracts each response with ``lcb_runner.utils.extraction_utils.extract_code``
(LMStyle.OpenAIChat) and grades it with ``evaluate_generations`` (what ``codegen_metrics``
runs before pass@k), the path
LiveCodeBench's published numbers come from, and writes
lcb_runner_verdicts.json next to this file: each case with lcb_runner's
per-test results (True, or the error codes -1/-2/-3/-4) and the revision.
stdin is /dev/null, as in lcb_runner's multiprocessing workers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def normalise(x: object) -> object:
    """A per-test result as JSON: True/False, an error code, or its repr for odd values."""
    if isinstance(x, bool) or (isinstance(x, int) and not isinstance(x, bool)):
        return x
    if type(x).__name__ == "bool_":
        return bool(x)
    return {"repr": repr(x)[:200], "truthy": bool(x)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--revision", required=True)
    ap.add_argument("--out", default=str(HERE / "lcb_runner_verdicts.json"))
    args = ap.parse_args()
    from lcb_runner.evaluation.compute_code_generation_metrics import evaluate_generations
    from lcb_runner.lm_styles import LMStyle
    from lcb_runner.utils.extraction_utils import extract_code
    from lcb_runner_cases import CASES, TIMEOUT

    samples, gens, codes = [], [], []
    for c in CASES:
        io = {"inputs": [t[0] for t in c["tests"]], "outputs": [t[1] for t in c["tests"]],
              "fn_name": c["fn_name"]}
        samples.append({"input_output": json.dumps(io)})
        code = extract_code(c["response"], LMStyle.OpenAIChat)
        codes.append(code)
        gens.append([code])
    # codegen_metrics' grading step; its pass@k step would crash on a result that is
    # neither a bool nor a code (an __eq__ returning 'yes': numpy cannot compare it with 0).
    results, metadata = evaluate_generations(samples, gens, num_process_evaluate=2,
                                             timeout=TIMEOUT)
    out = []
    for i, c in enumerate(CASES):
        meta = metadata[i][0]
        out.append({**c, "lcb_code": codes[i],
                    "lcb_results": [normalise(x) for x in results[i][0]],
                    "lcb_error": meta.get("error_message", "")})
    doc = {"source": "LiveCodeBench/LiveCodeBench lcb_runner (run unchanged)",
           "revision": args.revision, "timeout": TIMEOUT,
           "recorded_with": f"python {sys.version.split()[0]}", "cases": out}
    Path(args.out).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(out)} cases -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
