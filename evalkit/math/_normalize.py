"""String clean-up of a LaTeX answer before it is parsed.

Each rule is one a human competition grader applies and most graders implement
(hendrycks MATH ``strip_string``, Minerva ``normalize_final_answer`` (Lewkowycz
et al. 2022, app. D), Qwen2.5-Math ``strip_string``, PRM800K ``_normalize``,
latex2sympy2_extended ``NormalizationConfig``): delimiters and boxes, spacing
commands, ``\\left``/``\\right``, ``\\dfrac``, degrees, the percent sign and the
dollar sign (units: ``10\\%`` is compared as ``10``), thousands separators,
trailing sentence punctuation, and an approximate value given after the exact one.
"""

from __future__ import annotations

import re

from evalkit.math._extract import boxes

_UNICODE = {
    "≤": r"\le ",
    "≥": r"\ge ",
    "≠": r"\neq ",
    "∞": r"\infty ",
    "π": r"\pi ",
    "√": r"\sqrt ",
    "±": r"\pm ",
    "∓": r"\mp ",
    "∪": r"\cup ",
    "∈": r"\in ",
    "−": "-",
    "·": r"\cdot ",
    "×": r"\times ",
    "…": r"\ldots ",
    "\u00a0": " ",
}
# commands that an over-escaped response writes as ``\\frac`` (JSON double escaping)
_DOUBLED = re.compile(
    r"\\\\(?=(?:d?frac|tfrac|sqrt|left|right|le|ge|leq|geq|lt|gt|neq|pi|cdot|times|infty|"
    r"in|pm|mp|cup|sin|cos|tan|log|ln|exp|boxed|ldots|cdots|dots)(?![a-zA-Z]))"
)
_SIZES = re.compile(
    r"\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg)(?![a-zA-Z])"
)
_SPACES = re.compile(r"(?<!\\)\\(?:q?quad|displaystyle|textstyle|[,;:!> ])|~")
# malformed shorthand: \frac12, \frac3{3}, \frac{n(n-1)}2, \sqrt3 (MATH strip_string)
_FRAC_SHORT = re.compile(r"\\frac\s*(\d|\{[^{}]*\})\s*(\d|\{[^{}]*\})")
_SQRT_SHORT = re.compile(r"\\sqrt\s*(\d)")
_CHAT_TOKENS = re.compile(r"<\|[a-z_]+\|>(?:user|assistant|system)?")
_RELATIONS = [
    (re.compile(r"\\(?:geq|geqslant|ge)(?![a-zA-Z])|>="), r" \\ge "),
    (re.compile(r"\\(?:leq|leqslant|le)(?![a-zA-Z])|<="), r" \\le "),
    (re.compile(r"\\(?:neq|ne)(?![a-zA-Z])|!="), r" \\neq "),
    (re.compile(r"\\gt(?![a-zA-Z])"), " > "),
    (re.compile(r"\\lt(?![a-zA-Z])"), " < "),
]
_DEGREES = re.compile(r"\^\s*\{?\s*\\circ\s*\}?|°|\\degree(?![a-zA-Z])")
_PERCENT = re.compile(r"\\?%|\\percent(?![a-zA-Z])")
_APPROX = re.compile(
    r"\\approx|\\sim(?![a-zA-Z])|\(\s*(?:about|approx|approximately|roughly)\b", re.I
)
_THOUSANDS = re.compile(r"(\d),\\!\s*(?=\d{3})|(\d)\{,\}(?=\d{3})")
_PLAIN_THOUSANDS = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_TEXT_CMD = re.compile(
    r"\\(?:text|textbf|textit|textrm|textnormal|mbox|mathrm|mathbf|operatorname)\s*\{"
)
_LEAD = re.compile(r"^.*(?<![\\a-zA-Z])(?:is|are)\s+(?=\S)", re.S)


def _unwrap_text(s: str) -> str:
    """``\\text{…}`` etc.: numbers are unwrapped, words kept as ``\\text{…}``."""
    out = []
    i = 0
    while True:
        m = _TEXT_CMD.search(s, i)
        if m is None:
            out.append(s[i:])
            break
        depth, j = 1, m.end()
        while j < len(s) and depth:
            depth += {"{": 1, "}": -1}.get(s[j], 0)
            j += 1
        inner = s[m.end() : j - 1] if depth == 0 else s[m.end() :]
        out.append(s[i : m.start()])
        if re.search(r"[A-Za-z]{2,}", inner) and not inner.lstrip().startswith("\\"):
            out.append(" \\text{" + inner.strip() + "} ")
        else:
            out.append(inner)  # \text{13}, \mathrm{e}, \mathbf{v}: content is math
        i = j
    return "".join(out)


_PCT_SIGN = re.compile(r"%|\\percent(?![a-zA-Z])|\b(?:percent|pct)\b", re.I)
_PCT_NUMBER = re.compile(
    r"(-?(?:\d+(?:\.\d+)?(?:\s*\\frac\s*\{\d+\}\s*\{\d+\}|\s+\d+\s*/\s*\d+)?"
    r"|\\frac\s*\{[^{}]*\}\s*\{[^{}]*\}|\([^()]*\)))\s*"
    r"(?:\\?%|\\percent(?![a-zA-Z])|\\text\{\s*(?:percent|pct)\s*\}|(?<=\s)(?:percent|pct)\b)"
)


_LINES_ENV = re.compile(
    r"\\(begin|end)\{(aligned|align\*?|gathered|gather\*?|cases|split|eqnarray\*?)\}"
)
_ENV_OR_BREAK = re.compile(r"\\begin\{[^{}]*\}|\\end\{[^{}]*\}|\\\\")


def _lines_to_list(s: str) -> str:
    """An answer given on several lines is a list: ``x = 1 \\\\ y = 2``, ``aligned``/
    ``cases`` rows, or plain lines (MathArena ``ParseList`` splits at newlines too).

    Line breaks inside a matrix stay; a line that ends or starts with an operator
    continues the formula.
    """
    s = _LINES_ENV.sub(" ", s)
    out, depth, last = [], 0, 0
    for m in _ENV_OR_BREAK.finditer(s):
        token = m.group(0)
        if token.startswith("\\begin"):
            depth += 1
        elif token.startswith("\\end"):
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(s[last : m.start()] + " , ")
            last = m.end()
    s = "".join(out) + s[last:]
    if "&" in s and "\\begin" not in s:
        s = s.replace("&", " ")  # alignment points of aligned rows
    lines = [line.strip() for line in s.split("\n") if line.strip()]
    if (
        len(lines) > 1
        and "\\begin" not in s
        and all(
            len(line) <= 60
            and not re.search(r"[-+*/=(,]$|^[-+*/=),]", line)
            and len(re.findall(r"[A-Za-z]{3,}", line)) <= 2
            for line in lines
        )
    ):
        s = " , ".join(lines)
    return s


# SI units written after a number: 9.8\\,\\mathrm{m/s^2}, 3\\text{ kg m}^{2}, 5 \\mathrm{eV}
_SI = (
    r"(?:(?:k|M|G|m|c|n|p|\\mu\s?|μ)?(?:m|s|g|N|J|W|Pa|K|mol|A|V|Hz|C|eV|T|L|Ω|\\Omega|h|min))"
    r"(?:\^\{?-?\d\}?)?"
)
_SI_UNIT = re.compile(
    rf"(?<=[\d}}])(?:\s|\\[,;:! ]|~)*\\(?:mathrm|text|rm|mbox)\s*\{{\s*{_SI}"
    rf"(?:\s*(?:/|\\cdot|\s)\s*{_SI})*\s*\}}(?:\^\{{?-?\d\}}?)?\s*$"
)
# part labels of a multi-part answer: "(a) 2 (b) 3", "(i) … (ii) …"
_PART = re.compile(r"(?:^|(?<=[\s,;.$]))\((?:[a-h]|i{1,3}|iv|v|vi)\)\s*")


def has_percent(answer: str) -> bool:
    """Whether ``answer`` has a percent sign (``25\\%``, ``3 1/3%``, ``\\frac{2}{5}\\%``)."""
    return _PCT_SIGN.search(answer) is not None


def clean(answer: str, percent: str = "number") -> str:
    """A canonical LaTeX string for ``answer`` (no structure decided yet).

    ``percent`` says how ``N%`` is read: ``"number"`` keeps the percentage N (MATH
    ``strip_string``: a "what percent" gold ``25\\%`` is answered ``25``),
    ``"value"`` makes it N/100 (its value; MARIO_EVAL and OlympiadBench accept it).
    """
    s = answer.strip()
    for k, v in _UNICODE.items():
        s = s.replace(k, v)
    if re.search(r"\\\\[A-Za-z]", s) and not re.search(r"(?<!\\)\\[A-Za-z]", s):
        s = s.replace("\\\\", "\\")  # the whole answer is escaped twice (JSON)
    s = _DOUBLED.sub(r"\\", s)
    s = _CHAT_TOKENS.sub(" ", s)
    s = s.replace("\\$", " ").replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    # x**2 is a power (Python notation); other ** are Markdown bold
    s = re.sub(r"(?<=[\w)}])\*\*(?=[\w({-])", "^", s).replace("**", " ")
    s = s.replace("\\varnothing", "\\emptyset").replace("{:}", ":")  # 7{:}15
    # variant letter forms are the same constant (\\varepsilon_0 is \\epsilon_0)
    s = re.sub(r"\\var(epsilon|phi|theta|rho|pi|sigma)(?![a-zA-Z])", r"\\\1", s)
    if boxes(s):
        from evalkit.math._extract import extract_final

        s = extract_final(s) or s
    s = re.sub(r"\$+|\\\(|\\\)|\\\[|\\\]", " ", s)
    if "\\\\" in s or "\n" in s.strip():
        s = _lines_to_list(s)
    # "\approx 3.3\hbar" (a gold that only states its value is approximate, as
    # OlympiadBench physics golds do): the value (OlympiadBench preprocess maps \approx to =)
    s = re.sub(r"^\s*(?:\\approx|\\sim(?![a-zA-Z]))\s*", "", s)
    m = _APPROX.search(s)
    if m is not None and re.fullmatch(
        r"\s*(?:\\Delta\s*)?(?:[A-Za-z]|\\[A-Za-z]+)(?:_(?:\{[^{}]*\}|\\?\w+))?\s*",
        s[: m.start()],
    ):
        s = s[: m.start()] + "=" + s[m.end() :]  # x \approx 11: the value is 11
    elif m is not None and m.start() > 0:
        s = re.sub(r"\\[a-z]+\s*\{[^{}]*$", "", s[: m.start()])
    s = _SI_UNIT.sub("", s)
    s = re.sub(r"(?<=[\d}])(?:\s|\\[,;:! ]|~)*\\Omega\s*$", "", s)  # 6\\,\\Omega: ohms
    if len(_PART.findall(s)) >= 2 and re.match(r"\s*\((?:a|i)\)", s):
        s = _PART.sub(" , ", s).strip(" ,")  # the parts are the list's items
    s = _THOUSANDS.sub(r"\1\2", s)
    s = _FRAC_SHORT.sub(lambda m: f"\\frac{{{m[1].strip('{}')}}}{{{m[2].strip('{}')}}}", s)
    s = _SQRT_SHORT.sub(r"\\sqrt{\1}", s)
    s = _SIZES.sub("", s).replace("\\left.", "").replace("\\right.", "")
    s = _SPACES.sub(" ", s)
    s = re.sub(r"\\?\.\.\.|\\[lc]?dots[bcmo]?(?![a-zA-Z])", r" \\ldots ", s)
    s = _unwrap_text(s)
    for pattern, repl in _RELATIONS:
        s = pattern.sub(repl, s)
    s = _DEGREES.sub(" ", s)
    if percent == "value":
        s = _PCT_NUMBER.sub(lambda m: f"({m[1]})\\cdot\\frac{{1}}{{100}} ", s)
        if _PCT_SIGN.search(s):
            return ""  # a percent of something not read here: no value reading
    s = _PERCENT.sub(" ", s)
    s = re.sub(r"\\text\{(?:percent|pct|degrees?|dollars?)\}|\b(?:percent|pct|dollars?)\b", " ", s)
    s = _LEAD.sub("", s) if re.search(r"(?<![\\a-zA-Z])(?:is|are)\s", s) else s
    s = re.sub(r"(?<![\d.])\.(\d)", r"0.\1", s)  # .5 -> 0.5 (MATH strip_string)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"(?:(?<!\.)\.|[,;:!?])\s*$", "", s).strip()  # sentence punctuation
    if _PLAIN_THOUSANDS.fullmatch(s):
        s = s.replace(",", "")
    return s
