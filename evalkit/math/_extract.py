"""Finding the final answer in a model response.

Order (the practice of MATH/Minerva, Qwen2.5-Math ``parser.extract_answer``,
NeMo-Skills and Math-Verify): the last ``\\boxed{}``/``\\fbox{}`` (GLM's
``<|begin_of_box|>`` tokens too), else an explicit "final answer is …"
statement, else the last math span (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``).
Boxes written side by side in the final sentence ("``\\boxed{1}`` and
``\\boxed{2}``") are one multi-part answer, as Math-Verify merges them.
"""

from __future__ import annotations

import re

from evalkit.extract.reasoning import split_reasoning

MAX_PARTS = 64  # boxes joined into one answer at most
_BOX = re.compile(r"\\(?:boxed|fbox) *\{")
_GLM_BOX = re.compile(r"<\|begin_of_box\|>(.*?)<\|end_of_box\|>", re.S)
_TEXT = re.compile(r"\\(?:text|mbox|textnormal|textrm)\{([^{}]*)\}")
_CONNECTORS = {"and", "or", "for", "part", "parts"}
_SPACING = re.compile(r"\\(?:quad|qquad|[,;:! ()\[\]])|\$|\\\\")
_FINAL = re.compile(
    r"\banswer\b\s*(?:is\b|:)\s*:?\s*(?P<ans>.+?)"
    r"(?:\.?\s*I hope it is correct|\.(?:\s|$)|\n|$)",
    re.I | re.S,
)
_NUMBER = re.compile(r"(?<![\w.^_/])-?\d+(?:,\d{3})*(?:\.\d+)?(?:/\d+)?(?:\s*%)?(?![\d^_]|[.,/]\d)")
_SPAN = re.compile(
    r"(?<!\\)\$\$(?P<a>.+?)(?<!\\)\$\$|\\\[(?P<b>.+?)\\\]|\\\((?P<c>.+?)\\\)"
    r"|(?<!\\)\$(?P<d>(?:\\\$|[^$])+?)(?<!\\)\$",
    re.S,
)


def _brace_pairs(text: str) -> dict[int, int]:
    """Position of each ``{`` -> its matching ``}`` (escaped braces skipped), in one pass."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            stack.append(i)
        elif ch == "}" and stack:
            pairs[stack.pop()] = i
        i += 1
    return pairs


def boxes(text: str) -> list[tuple[int, int, str]]:
    """Every complete ``\\boxed{…}``/``\\fbox{…}`` (outermost) as (start, end, content)."""
    found: list[tuple[int, int, str]] = []
    if "box" in text:
        pairs = _brace_pairs(text)
        end = -1
        for m in _BOX.finditer(text):
            close = pairs.get(m.end() - 1)
            if close is None or m.start() < end:
                continue  # unclosed, or nested inside the previous box
            found.append((m.start(), close + 1, text[m.end() : close]))
            end = close + 1
    for m in _GLM_BOX.finditer(text):
        found.append((m.start(), m.end(), m.group(1)))
    found.sort()
    return found


def _joins(between: str) -> bool:
    """Whether two boxes separated by ``between`` belong to one answer.

    Only connectors may stand between them: commas, "and"/"or", part labels
    ("for part (a) and"); any other word or formula ends the answer.
    """
    rest = _SPACING.sub(" ", _TEXT.sub(r" \1 ", between))
    rest = re.sub(r"\(?(?<![a-z])[a-h]\)|[,;&.*:]", " ", rest.lower())  # (a), b), **, :
    return set(rest.split()) <= _CONNECTORS


# "u_2 = \\boxed{…}": the name a boxed part is the value of
_BOX_LABEL = re.compile(
    r"(?:^|(?<=[\s$(\[]))((?:\\[A-Za-z]+|[A-Za-z])(?:_\{[^{}]*\}|_\w)?'*(?:\([^()]*\))?)\s*=\s*$"
)


def _last_boxed(text: str) -> str | None:
    found = boxes(text)
    if not found:
        return None
    parts = [found[-1]]
    labels: list[str | None] = []
    for prev in reversed(found[-MAX_PARTS:-1]):
        between = text[prev[1] : parts[-1][0]]
        label = _BOX_LABEL.search(between)
        if label is not None:
            between = between[: label.start()]
        if not _joins(between):
            break
        labels.append(label[1] if label else None)
        parts.append(prev)
    if len(parts) == 1:
        return parts[0][2].strip()
    # two-part answers "u_1 = \\boxed{2} and u_2 = \\boxed{3}" keep their names
    # (OlympiadBench joins all boxes; names let a gold "u_1 = 2, u_2 = 3" match by name)
    first = _BOX_LABEL.search(text[max(0, parts[-1][0] - 40) : parts[-1][0]])
    labels.append(first[1] if first else None)
    named = [lab for lab in labels if lab]
    use = len(named) == len(labels) and len(set(named)) == len(named)
    values = [p[2].strip() for p in parts]
    if use:
        values = [f"{lab} = {v}" for lab, v in zip(labels, values, strict=True)]
    return ", ".join(reversed(values))


def final_statement(text: str) -> tuple[int, str] | None:
    """(position, answer) of the last "the answer is …" / "Final Answer: …"."""
    matches = list(_FINAL.finditer(text))
    if not matches:
        return None
    answer = matches[-1].group("ans").strip()
    # "Final Answer: the largest value of $f$ is 19": the value follows the last "is"
    tail = re.split(r"(?<![\\A-Za-z])(?:is|are|equals)\s+", answer)[-1]
    spans = list(_SPAN.finditer(tail))
    if spans:
        return matches[-1].start(), _span_text(spans[0])
    return (matches[-1].start(), tail.strip()) if tail.strip() else None


def _span_text(m: re.Match[str]) -> str:
    return next(g for g in m.groups() if g is not None).strip()


def _new_sentence(span: re.Match[str], between: str) -> bool:
    """Whether text after ``span`` starts a new sentence before ``between`` ends."""
    if re.search(r"[.!?]\s*$", _span_text(span)) and re.match(r"\s", between):
        return True
    return re.search(r"[.!?:](?:\s|$)|\n", between) is not None


def _last_span(text: str) -> str | None:
    """The last math span, or a plain number in a later sentence ("… by 100%.")."""
    spans = list(_SPAN.finditer(text))
    after = spans[-1].end() if spans else 0
    numbers = list(_NUMBER.finditer(text, after))
    if numbers and (not spans or _new_sentence(spans[-1], text[after : numbers[-1].start()])):
        return numbers[-1].group(0)
    if not spans:
        return None
    return _span_text(spans[-1]) or None


def last_number(text: str) -> str | None:
    """The last plain number of ``text`` (thousands separators kept)."""
    numbers = list(_NUMBER.finditer(text))
    return numbers[-1].group(0) if numbers else None


def extract_final(text: str) -> str | None:
    """The final answer of ``text`` (a final answer, reasoning already removed).

    A "final answer is …" statement written after the last box wins over the box
    (Minerva-format responses box intermediate results).
    """
    statement = final_statement(text)
    found = boxes(text)
    if found and (statement is None or statement[0] < found[-1][0]):
        return _last_boxed(text)
    if statement is not None:
        return statement[1]
    return _last_span(text)


def extract_answer(response: str) -> str | None:
    """The final answer of a model response, or None if it has none.

    Reasoning inside ``<think>…</think>`` is ignored; a response whose thinking
    never closed (truncated) has no answer.
    """
    split = split_reasoning(response)
    if split.unclosed:
        return None
    return extract_final(split.answer)
