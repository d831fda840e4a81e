"""Every output format: well formed, complete, deterministic; LaTeX compiles with booktabs."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pandas as pd
import pytest

from evalkit.errors import EvalkitError
from evalkit.report.formats import FORMATS, render, tex_escape
from evalkit.report.table import build_leaderboard

pytestmark = [pytest.mark.docker, pytest.mark.slow]


@pytest.fixture(scope="module")
def lb(all_runs):
    return build_leaderboard(all_runs)


def test_every_format_is_deterministic(lb, all_runs):
    again = build_leaderboard(all_runs)
    for fmt in FORMATS:
        assert render(lb, fmt) == render(again, fmt), fmt


def test_unknown_format_is_a_one_line_error(lb):
    with pytest.raises(EvalkitError, match="--format 'xls'"):
        render(lb, "xls")


def test_markdown_is_a_github_pipe_table_with_numbered_notes(lb):
    text = render(lb, "markdown")
    lines = text.splitlines()
    table = [ln for ln in lines if ln.startswith("|")]
    ncols = 1 + 3 * len(lb.columns)
    assert len(table) == 2 + len(lb.rows)
    for ln in table:
        # unescaped pipes delimit cells
        assert len(re.split(r"(?<!\\)\|", ln)) - 2 == ncols, ln
    assert re.fullmatch(r"\| :--- (\| ---: )+\|", table[1])
    assert "ioi2024\\_sample" in table[0]  # underscores escaped: no accidental italics
    for i in range(1, len(lb.notes) + 1):
        assert any(ln.startswith(f"{i}. ") for ln in lines)
    assert "(gold)" in text  # imo2025 model-a: 35 points


def _tex_rows(text: str) -> list[str]:
    body = text.split(r"\midrule")[1].split(r"\bottomrule")[0]
    return [r for r in body.strip().split("\n") if r.strip()]


def test_latex_uses_booktabs_and_every_row_has_every_column(lb):
    text = render(lb, "latex")
    for rule in (r"\toprule", r"\midrule", r"\bottomrule", r"\cmidrule(lr){2-4}"):
        assert rule in text
    assert r"\hline" not in text
    ncols = len(re.search(r"\\begin\{tabular\}\{([lr]+)\}", text).group(1))
    assert ncols == 1 + 3 * len(lb.columns)
    for row in _tex_rows(text):
        assert len(re.findall(r"(?<!\\)&", row)) == ncols - 1, row
        assert row.endswith(r"\\")
    assert text.count("{") - text.count(r"\{") == text.count("}") - text.count(r"\}")
    assert "ioi2024\\_sample" in text and "95\\% CI" in text


def test_tex_escape_handles_every_special_character():
    assert tex_escape("a_b&c%d$e#f{g}h~i^j\\k") == (
        r"a\_b\&c\%d\$e\#f\{g\}h\textasciitilde{}i\textasciicircum{}j\textbackslash{}k")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no pdflatex (texlive) installed")
def test_latex_compiles(lb, tmp_path):
    # As a user would \input it: a float in an ordinary document (wide page: many columns).
    doc = ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{booktabs}\n"
           "\\usepackage[paperwidth=70cm,paperheight=30cm,margin=1cm]{geometry}\n"
           "\\begin{document}\n" + render(lb, "latex") + "\\end{document}\n")
    (tmp_path / "t.tex").write_text(doc)
    r = subprocess.run(["pdflatex", "-halt-on-error", "-interaction=nonstopmode", "t.tex"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-3000:]
    assert (tmp_path / "t.pdf").stat().st_size > 1000


def test_csv_has_one_line_per_cell(lb):
    frame = pd.read_csv(io.StringIO(render(lb, "csv")))
    assert len(frame) == len(lb.cells)
    assert {"row", "benchmark", "value", "ci_low", "ci_high", "max", "samples_min", "medal",
            "flag", "note"} <= set(frame.columns)
    aime = frame[(frame["row"] == "model-a") & (frame["benchmark"] == "aime2025")].iloc[0]
    assert aime["ci_low"] <= aime["value"] <= aime["ci_high"]


def test_json_has_cells_columns_and_notes(lb):
    doc = json.loads(render(lb, "json"))
    assert doc["rows"] == lb.rows and len(doc["notes"]) == len(doc["columns"])
    assert len(doc["cells"]) == len(lb.cells)
    assert all(c["ci_low"] <= c["value"] + 1e-9 for c in doc["cells"])


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.seen: list[str] = []
        self.void = {"meta", "br", "link", "img", "input", "hr"}

    def handle_starttag(self, tag, attrs):
        self.seen.append(tag)
        if tag not in self.void:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def test_html_is_a_balanced_standalone_page(lb):
    text = render(lb, "html")
    p = _Tags()
    p.feed(text)
    assert not p.stack
    assert p.seen.count("tr") == 2 + len(lb.rows)
    assert "http://" not in text and "https://" not in text  # nothing fetched


def test_rich_lists_every_model_and_benchmark(lb):
    text = render(lb, "rich")
    for name in [*lb.rows, *(c.benchmark for c in lb.columns)]:
        assert name[:8] in text
