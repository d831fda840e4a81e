"""Cases that tell LiveCodeBench grading rules apart (data for the differential test).

Each case is a model response (the program inside it, extracted by the rule under
test), a problem (stdin or call-based, its tests) and nothing else: the verdicts
come from running lcb_runner itself on them (record_lcb_runner.py writes
lcb_runner_verdicts.json); test_lcb_differential.py checks evalkit agrees.
Written for evalkit; no lcb_runner code or data is copied here.
"""

from __future__ import annotations

from typing import Any

TIMEOUT = 1  # seconds per test, for lcb_runner and evalkit alike (keeps the slow cases short)

SUM_IN = "3\n1 2 3\n"  # the stdin problem most cases use: n, then n numbers; print the sum
SUM_IN_NO_EOL = "3\n1 2 3"
SUM_OUT = "6\n"


def fenced(code: str) -> str:
    return f"Here is my solution.\n\n```python\n{code.strip()}\n```\n"


def stdin_case(cid: str, category: str, code: str, tests: list[tuple[str, str]] | None = None,
               response: str | None = None) -> dict[str, Any]:
    return {"id": cid, "category": category, "mode": "stdin", "fn_name": None,
            "tests": [list(t) for t in (tests or [(SUM_IN, SUM_OUT), (SUM_IN_NO_EOL, SUM_OUT)])],
            "response": response if response is not None else fenced(code)}


def call_case(cid: str, category: str, code: str, fn: str, tests: list[tuple[str, str]],
              response: str | None = None) -> dict[str, Any]:
    return {"id": cid, "category": category, "mode": "call", "fn_name": fn,
            "tests": [list(t) for t in tests],
            "response": response if response is not None else fenced(code)}


def sol(body: str) -> str:
    """A call-based Solution whose method ``f(self, a, b)`` has ``body``."""
    lines = "\n".join("        " + ln for ln in body.strip().split("\n"))
    return f"class Solution:\n    def f(self, a, b):\n{lines}\n"


ADD = [("1\n2", "3"), ("10\n-4", "6")]

CASES: list[dict[str, Any]] = []
S, C = stdin_case, call_case

# -- stdin idioms ------------------------------------------------------------
STDIN = {
    "input": "n = int(input())\nprint(sum(map(int, input().split())))",
    "sys_stdin_readline": "import sys\nn = int(sys.stdin.readline())\n"
                          "print(sum(map(int, sys.stdin.readline().split())))",
    "sys_stdin_read_split": "import sys\nd = sys.stdin.read().split()\n"
                            "print(sum(map(int, d[1:])))",
    "buffer_read": "import sys\nd = sys.stdin.buffer.read().split()\nprint(sum(map(int, d[1:])))",
    "buffer_read_decode": "import sys\nd = sys.stdin.buffer.read().decode().split()\n"
                          "print(sum(map(int, d[1:])))",
    "buffer_readline_twice": "import sys\nn = int(sys.stdin.buffer.readline())\n"
                             "print(sum(map(int, sys.stdin.buffer.readline().split())))",
    "buffer_readline_once": "import sys\nn = int(sys.stdin.buffer.readline())\nprint(n * 2)",
    "input_is_buffer_readline": "import sys\ninput = sys.stdin.buffer.readline\n"
                                "n = int(input())\nprint(sum(map(int, input().split())))",
    "from_sys_import_stdin_readline": "from sys import stdin\nn = int(stdin.readline())\n"
                                      "print(sum(map(int, stdin.readline().split())))",
    "input_eq_stdin_readline_toplevel": "import sys\ninput = sys.stdin.readline\n"
                                        "n = int(input())\n"
                                        "print(sum(map(int, input().split())))",
    "input_eq_from_stdin_readline": "from sys import stdin\ninput = stdin.readline\n"
                                    "n = int(input())\nprint(sum(map(int, input().split())))",
    "bare_stdin_from_prelude": "n = int(stdin.readline())\n"
                               "print(sum(map(int, stdin.readline().split())))",
    "bare_stdin_read": "d = stdin.read().split()\nprint(sum(map(int, d[1:])))",
    "from_stdin_read": "from sys import stdin\nd = stdin.read().split()\n"
                       "print(sum(map(int, d[1:])))",
    "from_stdin_buffer_read": "from sys import stdin\nd = stdin.buffer.read().split()\n"
                              "print(sum(map(int, d[1:])))",
    "iterate_sys_stdin": "import sys\nls = [l for l in sys.stdin]\n"
                         "print(sum(map(int, ls[1].split())))",
    "map_int_sys_stdin": "import sys\nit = iter(sys.stdin)\nnext(it)\n"
                         "print(sum(map(int, next(it).split())))",
    "iterate_from_stdin": "from sys import stdin\nls = [l for l in stdin]\n"
                          "print(sum(map(int, ls[1].split())) if len(ls) > 1 else 0)",
    "readlines": "import sys\nls = sys.stdin.readlines()\nprint(sum(map(int, ls[1].split())))",
    "readlines_len": "import sys\nls = sys.stdin.readlines()\nprint(len(ls) * 2)",
    "readlines_all_ints": "import sys\nls = sys.stdin.readlines()\n"
                          "v = [int(x) for l in ls for x in l.split()]\nprint(sum(v[1:]))",
    "readlines_int_each_line": "import sys\nls = sys.stdin.readlines()\n"
                               "print(int(ls[0]) + sum(int(l.split()[0]) for l in ls[1:]) + 2)",
    "from_stdin_readlines": "from sys import stdin\nls = stdin.readlines()\nprint(len(ls) * 2)",
    "read_n": "import sys\nfirst = sys.stdin.read(1)\nprint(int(first) * 2)",
    "read_n_then_rest": "import sys\nn = sys.stdin.read(2)\nrest = sys.stdin.read().split()\n"
                        "print(sum(map(int, rest)))",
    "input_then_read": "import sys\nn = int(input())\n"
                       "print(sum(map(int, sys.stdin.read().split())))",
    "readline_then_read": "import sys\nn = int(sys.stdin.readline())\n"
                          "print(sum(map(int, sys.stdin.read().split())))",
    "readline_until_eof": "import sys\nt = 0\nwhile True:\n    l = sys.stdin.readline()\n"
                          "    if not l:\n        break\n    t += sum(map(int, l.split()))\n"
                          "print(t - 3)",
    "from_stdin_readline_until_empty": "from sys import stdin\nt = 0\nwhile True:\n"
                                       "    l = stdin.readline()\n    if not l:\n        break\n"
                                       "    t += sum(map(int, l.split()))\nprint(t - 3)",
    "from_stdin_readline_has_no_newline": "from sys import stdin\nl = stdin.readline()\n"
                                          "print(6 if not l.endswith('\\n') else 0)",
    "input_more_than_lines": "a = input()\nb = input()\nc = input()\nprint(6)",
    "lambda_input_rstrip": "import sys\ninput = lambda: sys.stdin.readline().rstrip()\n"
                           "n = int(input())\nprint(sum(map(int, input().split())))",
    "open_0_read": "d = open(0).read().split()\nprint(sum(map(int, d[1:])))",
    "builtins_open_0": "import builtins\nd = builtins.open(0).read().split()\n"
                       "print(sum(map(int, d[1:])))",
    "os_read_0": "import os\nd = os.read(0, 1 << 20).split()\nprint(sum(map(int, d[1:])))",
    "bytesio_os_read_fstat": "import io, os\n"
                             "input = io.BytesIO(os.read(0, os.fstat(0).st_size)).readline\n"
                             "n = int(input())\nprint(n)",
    "stdin_fileno": "import sys\nprint(sys.stdin.fileno())",
    "stdin_getattr_delegated": "import sys\nsys.stdin.seek(0)\nprint(sum(map(int, "
                               "sys.stdin.getvalue().split()[1:])))",
    "next_sys_stdin": "import sys\nnext(sys.stdin)\nprint(6)",
    "readline_size_arg": "import sys\nprint(int(sys.stdin.readline(1)) * 2)",
    "stdout_write": "import sys\nn = int(input())\n"
                    "sys.stdout.write(str(sum(map(int, input().split()))) + '\\n')",
    "stdout_buffer_write": "import sys\nsys.stdout.buffer.write(b'6\\n')",
    "os_write_1": "import os\nos.write(1, b'6\\n')",
    "print_file_stderr": "import sys\nprint(6, file=sys.stderr)",
    "print_flush": "n = int(input())\nprint(sum(map(int, input().split())), flush=True)",
    "sys_exit_after_print": "import sys\nprint(6)\nsys.exit(0)",
    "exit_builtin": "print(6)\nexit()",
    "quit_builtin": "print(6)\nquit()",
    "main_guard": "def main():\n    n = int(input())\n    print(sum(map(int, input().split())))\n"
                  "\nif __name__ == '__main__':\n    main()",
    "main_guard_stdin_buffer": "import sys\ndef main():\n"
                               "    d = sys.stdin.buffer.read().split()\n"
                               "    print(sum(map(int, d[1:])))\n\n"
                               "if __name__ == '__main__':\n    main()",
    "threading_recursion": "import sys, threading\ndef main():\n    n = int(input())\n"
                           "    print(sum(map(int, input().split())))\n"
                           "threading.stack_size(1 << 25)\nt = threading.Thread(target=main)\n"
                           "t.start()\nt.join()",
    "global_in_nested_function": "x = 0\ndef f():\n    global x\n    x += 6\nf()\nprint(x)",
    "raise_after_print": "print(6)\nraise ValueError('late')",
    "keyboard_interrupt": "print(6)\nraise KeyboardInterrupt",
    "syntax_error": "print(6\n",
    "name_error": "print(undefined_name)",
}
for name, code in STDIN.items():
    CASES.append(S(f"stdin/{name}", "stdin idioms", code))

# -- code extraction ---------------------------------------------------------
GOOD = "n = int(input())\nprint(sum(map(int, input().split())))"
EXTRACT = {
    "plain": f"```python\n{GOOD}\n```",
    "untagged": f"```\n{GOOD}\n```",
    "py_then_text_block": f"```python\n{GOOD}\n```\nExample:\n```text\n6\n```\n",
    "py_then_bash_block": f"```python\n{GOOD}\n```\nRun it:\n```bash\npython3 sol.py\n```",
    "py_then_py_block": f"```python\nprint(0)\n```\nBetter:\n```python\n{GOOD}\n```",
    "inline_open_fence": f"Here is the code: ```python\n{GOOD}\n```",
    "text_after_close": f"```python\n{GOOD}\n``` That is all.",
    "backticks_in_program": "```python\nn = int(input())\ns = '```'\n"
                            "print(sum(map(int, input().split())))\n```",
    "unclosed": f"```python\n{GOOD}\n",
    "unclosed_after_closed": f"```python\n{GOOD}\n```\nAnd a variant:\n```python\nprint(1)\n",
    "tilde_fences": f"~~~python\n{GOOD}\n~~~",
    "no_fence": GOOD,
    "indented_fences": f"  ```python\n{GOOD}\n  ```",
    "four_backticks": f"````python\n{GOOD}\n````",
    "text_between_blocks": f"```python\n{GOOD}\n```\nExplanation of the idea.\n```",
    "fence_with_info": f"```python title=sol.py\n{GOOD}\n```",
    "empty_block_last": f"```python\n{GOOD}\n```\n```\n```",
    "think_then_code": f"Let me think.\n\nFirst try:\n```python\nprint(5)\n```\nFinal:\n"
                       f"```python\n{GOOD}\n```\nDone.",
}
for name, resp in EXTRACT.items():
    CASES.append(S(f"extract/{name}", "code extraction", "", response=resp))

# -- numpy -------------------------------------------------------------------
CASES += [
    S("numpy/stdin_sum", "numpy", "import numpy as np\nn = int(input())\n"
      "print(np.array(list(map(int, input().split()))).sum())"),
    S("numpy/stdin_float", "numpy", "import numpy as np\nn = int(input())\n"
      "print(np.float64(sum(map(int, input().split()))))"),
    C("numpy/int64", "numpy", "import numpy as np\n" + sol("return np.int64(a + b)"), "f", ADD),
    C("numpy/float64", "numpy", "import numpy as np\n" + sol("return np.float64(a + b)"), "f",
      ADD),
    C("numpy/int64_wrong", "numpy", "import numpy as np\n" + sol("return np.int64(a - b)"), "f",
      ADD),
    C("numpy/bool", "numpy", "import numpy as np\n"
      "class Solution:\n    def f(self, a):\n        return np.bool_(a > 0)\n", "f",
      [("1", "true"), ("-1", "false")]),
    C("numpy/array_len2", "numpy", "import numpy as np\n" + sol("return np.array([a, b])"),
      "f", [("1\n2", "[1, 2]")]),
    C("numpy/array_len1_vs_scalar", "numpy",
      "import numpy as np\n" + sol("return np.array([a + b])"), "f", ADD),
    C("numpy/array_len1_vs_list", "numpy",
      "import numpy as np\n" + sol("return np.array([a + b])"), "f", [("1\n2", "[3]")]),
    C("numpy/tolist", "numpy", "import numpy as np\n" + sol("return np.array([a, b]).tolist()"),
      "f", [("1\n2", "[1, 2]")]),
    C("numpy/list_of_int64", "numpy", "import numpy as np\n"
      + sol("return [np.int64(a), np.int64(b)]"), "f", [("1\n2", "[1, 2]")]),
]

# -- returned objects with their own __eq__, and other values -----------------
EQ = {
    "always_equal": ("class E:\n    def __eq__(self, o):\n        return True\n", "E()"),
    "never_equal": ("class E:\n    def __eq__(self, o):\n        return False\n", "E()"),
    "eq_raises": ("class E:\n    def __eq__(self, o):\n        raise ValueError('no')\n", "E()"),
    "eq_returns_string": ("class E:\n    def __eq__(self, o):\n        return 'yes'\n", "E()"),
    "eq_returns_empty": ("class E:\n    def __eq__(self, o):\n        return ''\n", "E()"),
    "eq_compares_value": ("class E:\n    def __init__(s, v):\n        s.v = v\n"
                          "    def __eq__(s, o):\n        return s.v == o\n", "E(a + b)"),
    "list_subclass_eq": ("class L(list):\n    def __eq__(s, o):\n        return True\n",
                         "L([0])"),
    "int_subclass_eq": ("class I(int):\n    def __eq__(s, o):\n        return int(s) + 1 == o\n",
                        "I(a + b - 1)"),
    "no_eq_object": ("class E:\n    pass\n", "E()"),
    "reversed_eq_only": ("class E:\n    def __eq__(s, o):\n        return NotImplemented\n",
                         "E()"),
    "tuple_result": ("", "(a + b,)[0]"),
    "tuple_top_level": ("", "(a, b)"),
    "nested_tuple": ("", "[(a, b)]"),
    "decimal": ("from decimal import Decimal\n", "Decimal(a + b)"),
    "fraction": ("from fractions import Fraction\n", "Fraction(a + b, 1)"),
    "float_equal": ("", "float(a + b)"),
    "true_vs_1": ("", "True if a + b else False"),
    "none_result": ("", "None"),
    "dict_int_keys": ("", "{a: b}"),
    "set_result": ("", "{a, b}"),
    "string_result": ("", "str(a + b)"),
}
for name, (pre, expr) in EQ.items():
    expected = {"tuple_top_level": [("1\n2", "[1, 2]")], "nested_tuple": [("1\n2", "[[1, 2]]")],
                "true_vs_1": [("1\n0", "1")], "none_result": [("1\n2", "null")],
                "dict_int_keys": [("1\n2", '{"1": 2}')], "set_result": [("1\n2", "[1, 2]")],
                "string_result": [("1\n2", "3")]}.get(name, ADD)
    CASES.append(C(f"eq/{name}", "returned objects", pre + sol(f"return {expr}"), "f",
                   expected))

# -- timeouts ----------------------------------------------------------------
BUSY = "while True:\n    pass"
CASES += [
    S("timeout/stdin_busy", "timeouts", BUSY),
    S("timeout/stdin_sleep", "timeouts", "import time\ntime.sleep(4)\nprint(6)"),
    S("timeout/stdin_swallowed_then_print", "timeouts",
      "try:\n    while True:\n        pass\nexcept Exception:\n    pass\nprint(6)"),
    S("timeout/stdin_swallowed_bare_except", "timeouts",
      "try:\n    while True:\n        pass\nexcept:\n    pass\nprint(6)"),
    S("timeout/stdin_second_test", "timeouts",
      "n = int(input())\nwhile n == 2:\n    pass\nprint(n)", tests=[("1\n", "1"), ("2\n", "2")]),
    C("timeout/call_busy", "timeouts", sol(BUSY), "f", ADD),
    C("timeout/call_swallowed", "timeouts",
      sol("try:\n    while True:\n        pass\nexcept Exception:\n    pass\nreturn a + b"),
      "f", ADD[:1]),
    C("timeout/call_swallowed_wrong", "timeouts",
      sol("try:\n    while True:\n        pass\nexcept Exception:\n    pass\nreturn a - b"),
      "f", ADD[:1]),
    C("timeout/call_swallowed_forever", "timeouts",
      sol("while True:\n    try:\n        while True:\n            pass\n"
          "    except BaseException:\n        pass"), "f", ADD[:1]),
    C("timeout/call_sys_exit", "timeouts", sol("import sys\nsys.exit(0)"), "f", ADD),
    C("timeout/call_keyboard_interrupt", "timeouts", sol("raise KeyboardInterrupt"), "f", ADD),
]

# -- line and Decimal comparison ---------------------------------------------
LINES = [
    ("1.0", "1"), ("0.1", "0.10000001"), ("1e2", "100"), ("NaN", "nan"), ("nan", "nan"),
    ("Infinity", "inf"), ("-0", "0"), ("+5", "5"), ("1_000", "1000"), ("0x10", "16"),
    ("Yes", "YES"), ("1  2   3", "1 2 3"), ("a  b", "a b"), ("6\r", "6"), ("  6  ", "6"),
    ("1\n\n2", "1\n2"), ("1\n2\n\n\n", "1\n2"), ("", ""), ("sNaN", "1"), ("1 2", "1 2 3"),
    ("3.14159", "3.14159000"), ("1/2", "0.5"), ("١", "1"), ("1,5", "1.5"),
]
for k, (got, exp) in enumerate(LINES):
    CASES.append(S(f"lines/{k:02d}_{got.strip()[:8] or 'empty'}", "line comparison",
                   f"print({got!r}, end='')", tests=[("\n", exp)]))
CASES.append(S("lines/snan_in_second_test", "line comparison",
               "n = int(input())\nprint('6' if n == 1 else 'sNaN')",
               tests=[("1\n", "6"), ("2\n", "1")]))

# -- huge integers -----------------------------------------------------------
BIG = "9" * 60000
CASES += [
    C("bigint/expected_over_limit", "huge integers",
      "class Solution:\n    def f(self, a):\n        return int('9' * 60000)\n", "f",
      [("1", BIG)]),
    C("bigint/expected_over_limit_later_test", "huge integers",
      "class Solution:\n    def f(self, a):\n        return a\n", "f", [("1", "2"), ("1", BIG)]),
    C("bigint/expected_under_limit", "huge integers",
      "class Solution:\n    def f(self, a):\n        return 10 ** 40000 - 1\n", "f",
      [("1", "9" * 40000)]),
    C("bigint/returned_over_limit", "huge integers",
      "class Solution:\n    def f(self, a):\n        return 1 << 300000\n", "f", [("1", "5")]),
    C("bigint/input_over_limit", "huge integers",
      "class Solution:\n    def f(self, a):\n        return 1\n", "f", [(BIG, "1")]),
    S("bigint/stdin_print_over_limit", "huge integers", "print(10 ** 60000)",
      tests=[("\n", "1")]),
    S("bigint/stdin_text_over_limit", "huge integers", "print('9' * 60000)",
      tests=[("\n", BIG)]),
    S("bigint/stdin_int_of_input_over_limit", "huge integers", "print(int(input()) % 10)",
      tests=[(BIG + "\n", "9")]),
]

# -- other execution rules ---------------------------------------------------
CASES += [
    C("call/missing_method", "execution", sol("return a + b"), "g", ADD),
    C("call/module_function", "execution", "def f(a, b):\n    return a + b\n", "f", ADD),
    C("call/syntax_error", "execution", "class Solution:\n    def f(self, a, b)\n", "f", ADD),
    C("call/raises_second", "execution", sol("if a == 10:\n    raise ValueError\nreturn a + b"),
      "f", ADD),
    C("call/wrong_first", "execution", sol("return a * b"), "f", ADD),
    C("call/state_shared", "execution",
      "class Solution:\n    n = 0\n    def f(self, a, b):\n        Solution.n += 1\n"
      "        return a + b if Solution.n == 1 else 0\n", "f", ADD),
    C("call/print_in_method", "execution", sol("print('noise')\nreturn a + b"), "f", ADD),
    C("call/bad_json_input", "execution", sol("return 1"), "f", [("not json", "1")]),
    C("call/bad_json_expected", "execution", sol("return 1"), "f", [("1\n2", "not json")]),
    C("call/numbers_float", "execution", sol("return (a + b) / 1"), "f", ADD),
    C("call/prelude_names", "execution", sol("return gcd(a, b) + 2 if a == 1 else 6"), "f",
      ADD),
    C("call/recursion_deep", "execution",
      "class Solution:\n    def f(self, a, b):\n        def r(k):\n"
      "            return 0 if k == 0 else 1 + r(k - 1)\n"
      "        return r(10000) - 9997 + a + b - 3\n",
      "f", ADD),
    S("stdin/wrong_answer", "execution", "print(5)"),
    S("stdin/extra_line", "execution", "print(6)\nprint(6)"),
]
