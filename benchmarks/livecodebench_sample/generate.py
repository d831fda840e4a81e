"""Regenerate problems.jsonl (run from the repository root: python benchmarks/livecodebench_sample/generate.py).

Row 1 is the real LiveCodeBench row 1873_A (see PROVENANCE.md) with a question_content
written by us (the copy we have omits it).  The other rows were written for evalkit in
the dataset's exact row format; their expected outputs come from the plain Python
oracles below (not from the solutions/ programs), and their hidden tests are encoded as
the dataset encodes them: base64(zlib(pickle(json string))).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

from evalkit.judging.lcb.decode import encode_private_tests

HERE = Path(__file__).resolve().parent

SHORT_SORT = """There are three cards with letters $\\texttt{a}$, $\\texttt{b}$, $\\texttt{c}$ placed in a row in some order. You may do the following operation at most once:

- Pick two cards and swap them.

Is it possible that the row becomes $\\texttt{abc}$ after the operation? Output "YES" if it is possible, and "NO" otherwise.

Input

The first line contains a single integer $t$ ($1 \\leq t \\leq 6$) — the number of test cases.

The only line of each test case contains a single string consisting of each of the three characters $\\texttt{a}$, $\\texttt{b}$, and $\\texttt{c}$ exactly once, representing the cards.

Output

For each test case, output "YES" if you can make the row $\\texttt{abc}$ with at most one operation, or "NO" otherwise.

Example
Input
6
abc
acb
bac
bca
cab
cba
Output
YES
YES
YES
NO
NO
YES
"""

MEAN = """You are given N integers A_1, A_2, ..., A_N. Print their average (A_1 + ... + A_N) / N.

Your output is correct if it equals the exact average as a decimal number.

Constraints

- N is 1, 2, 4 or 8.
- 0 <= A_i <= 10^6
- All input values are integers.

Input

N
A_1 A_2 ... A_N

Output

Print the average.

Sample Input 1

4
1 2 3 4

Sample Output 1

2.5

Sample Input 2

2
3 3

Sample Output 2

3
"""

RANGE_SUMS = """You are given an array a_1, ..., a_n and q queries. Each query is a pair l, r; answer a_l + a_{l+1} + ... + a_r.

Input

The first line contains n and q (1 <= n, q <= 3 * 10^4). The second line contains a_1 ... a_n (|a_i| <= 10^9). Each of the next q lines contains l and r (1 <= l <= r <= n).

Output

Print q lines, the answers in order.

Example
Input
5 3
1 2 3 4 5
1 5
2 3
4 4
Output
15
5
4
"""

COUNT_VALUES = """You are given an integer array nums. Return a list of pairs [value, count], one for each distinct value of nums, sorted by value in increasing order, where count is the number of occurrences of value in nums.

Example 1:

Input: nums = [3,1,3]
Output: [[1,1],[3,2]]

Example 2:

Input: nums = [7]
Output: [[7,1]]

Constraints:

1 <= nums.length <= 1000
-10^6 <= nums[i] <= 10^6"""

MIN_OPS = """You are given an integer array nums and an integer k. In one operation you may remove one occurrence of the smallest element of nums. Return the minimum number of operations needed so that all elements of nums are greater than or equal to k.

Example 1:

Input: nums = [2,11,10,1,3], k = 10
Output: 3

Example 2:

Input: nums = [1,1,2,4,9], k = 1
Output: 0

Constraints:

1 <= nums.length <= 50
1 <= nums[i] <= 10^9
1 <= k <= 10^9"""


def stdin_test(inp: str, out: str) -> dict:
    return {"input": inp, "output": out, "testtype": "stdin"}


def call_test(args: list, result) -> dict:
    return {"input": "\n".join(json.dumps(a) for a in args), "output": json.dumps(result),
            "testtype": "functional"}


def mean_text(a: list[int]) -> str:
    total, n = sum(a), len(a)
    if total % n == 0:
        return str(total // n)
    whole, frac = divmod(total * 10**3 // n, 10**3)
    return f"{whole}.{frac:03d}".rstrip("0")


def mean_tests(rng: random.Random) -> list[dict]:
    cases = [[1, 2], [5], [0, 0, 0, 1], [10**6] * 8, [1, 1, 1, 2]]
    cases += [[rng.randint(0, 10**6) for _ in range(n)] for n in (2, 4, 8, 8)]
    return [stdin_test(f"{len(a)}\n{' '.join(map(str, a))}\n", mean_text(a) + "\n") for a in cases]


def range_case(a: list[int], queries: list[tuple[int, int]]) -> dict:
    pre = [0]
    for x in a:
        pre.append(pre[-1] + x)
    inp = f"{len(a)} {len(queries)}\n{' '.join(map(str, a))}\n"
    inp += "".join(f"{l} {r}\n" for l, r in queries)
    return stdin_test(inp, "".join(f"{pre[r] - pre[l - 1]}\n" for l, r in queries))


def range_tests(rng: random.Random) -> list[dict]:
    out = [range_case([-3, 7, 10**9], [(1, 3), (2, 2), (1, 1)])]
    a = [rng.randint(-10**9, 10**9) for _ in range(50)]
    out.append(range_case(a, [tuple(sorted((rng.randint(1, 50), rng.randint(1, 50))))
                              for _ in range(40)]))
    n = 30000
    a = [rng.randint(-10**9, 10**9) for _ in range(n)]
    out.append(range_case(a, [(rng.randint(1, 100), rng.randint(n - 100, n)) for _ in range(n)]))
    return out


def count_values_tests(rng: random.Random) -> list[dict]:
    cases = [[1, 1, 2], [5, -5, 5, 0], [rng.randint(-3, 3) for _ in range(30)],
             [rng.randint(-10**6, 10**6) for _ in range(1000)]]
    return [call_test([a], [[v, c] for v, c in sorted(Counter(a).items())]) for a in cases]


def min_ops_tests(rng: random.Random) -> list[dict]:
    cases = [([1, 1, 2, 4, 9], 9), ([5, 6], 1), ([3] * 50, 4)]
    cases += [([rng.randint(1, 100) for _ in range(50)], rng.randint(1, 100)) for _ in range(5)]
    return [call_test([a, k], sum(1 for x in a if x < k)) for a, k in cases]


def row(qid: str, title: str, content: str, platform: str, contest: str, date: str,
        difficulty: str, tests: list[dict], public: int, starter: str = "",
        func: str | None = None) -> dict:
    return {
        "question_title": title, "question_content": content, "platform": platform,
        "question_id": qid, "contest_id": contest, "contest_date": date,
        "starter_code": starter, "difficulty": difficulty,
        "public_test_cases": json.dumps(tests[:public]),
        "private_test_cases": encode_private_tests(tests[public:]),
        "metadata": json.dumps({"func_name": func} if func else {}),
    }


def main() -> None:
    rng = random.Random(20250501)
    fixture = json.loads((HERE / "fixture_1873_A.json").read_text())
    fixture = {"question_title": fixture["question_title"], "question_content": SHORT_SORT,
               **{k: v for k, v in fixture.items() if k != "question_title"}}
    rows = [
        fixture,
        row("abc_lcbs_mean", "A. Mean", MEAN, "atcoder", "abc_lcbs", "2024-08-17T00:00:00",
            "easy", mean_tests(rng), public=2),
        row("cf_lcbs_range_sums", "C. Range Sums", RANGE_SUMS, "codeforces", "cf_lcbs",
            "2025-03-08T00:00:00", "hard", range_tests(rng), public=1),
        row("lc_lcbs_count_values", "count-values", COUNT_VALUES, "leetcode", "weekly-lcbs-1",
            "2024-11-02T00:00:00", "medium", count_values_tests(rng), public=2,
            starter="class Solution:\n    def countValues(self, nums: List[int]) -> "
                    "List[List[int]]:\n        ", func="countValues"),
        row("lc_lcbs_min_operations", "minimum-operations", MIN_OPS, "leetcode",
            "weekly-lcbs-2", "2025-01-11T00:00:00", "easy", min_ops_tests(rng), public=2,
            starter="class Solution:\n    def minOperations(self, nums: List[int], k: int) -> "
                    "int:\n        ", func="minOperations"),
    ]
    with (HERE / "problems.jsonl").open("w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
