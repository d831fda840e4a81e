"""The static HTML report, loaded in real headless Chromium: no console errors, and the
leaderboard, figures and drill-down are on the page (a screenshot is saved for a look)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from evalkit.report.html import render_report
from evalkit.report.table import build_leaderboard

pytestmark = [pytest.mark.browser, pytest.mark.docker, pytest.mark.slow]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


def chromium() -> str:
    """The Chromium binary; fails (not skips) when missing, unless EVALKIT_SKIP_BROWSER=1."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("EVALKIT_SKIP_BROWSER") == "1":
            pytest.skip("EVALKIT_SKIP_BROWSER=1")
        pytest.fail("chromium not installed: `apt-get install -y chromium` (make browser)")
    return found


def load(page: Path, *extra: str) -> tuple[str, list[str]]:
    """Load ``page`` headless; return (stdout, console messages logged by the page)."""
    with tempfile.TemporaryDirectory(prefix="evalkit-chromium-") as profile:
        r = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *extra,
                            page.resolve().as_uri()], capture_output=True, text=True,
                           timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    console = [ln for ln in r.stderr.splitlines() if ":CONSOLE" in ln]
    return r.stdout, console


@pytest.fixture(scope="module")
def report(all_runs, tmp_path_factory) -> Path:
    runs = all_runs
    out = tmp_path_factory.mktemp("report") / "index.html"
    out.write_text(render_report(build_leaderboard(runs), runs), encoding="utf-8")
    return out


def test_console_errors_are_detected(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>throw new Error('boom')</script></body></html>")
    _, console = load(bad, "--dump-dom")
    assert any("boom" in ln for ln in console)


def test_report_loads_without_console_errors_and_shows_table_and_plots(report):
    dom, console = load(report, "--dump-dom")
    assert console == []
    assert dom.count('<table class="leaderboard">') == 1
    for kind in ("scores", "pass_at_k", "solved_at_k", "subtasks", "by_month"):
        assert f'data-kind="{kind}"' in dom, kind
    assert dom.count("<svg") == 13  # 8 score charts, 3 @k curves, 1 heat map, 1 by month
    assert 'id="p-ioi2024_sample-sphinx"' in dom  # drill-down per problem
    assert "perform_experiment" in dom  # the IOI prompt, from the bundled data
    assert "Output is correct" in dom or "accepted" in dom  # judge messages


def test_screenshot_shows_the_page(report, tmp_path):
    shot = Path(os.environ.get("EVALKIT_SCREENSHOT", tmp_path / "report.png"))
    _, console = load(report, f"--screenshot={shot}", "--window-size=1400,1800",
                      "--hide-scrollbars")
    assert console == []
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # not a blank page


# Appended to a copy of the page: each figure's SVG box and its title's text box, in pixels.
MEASURE = """<script>window.addEventListener('load', () => {
  const rows = [...document.querySelectorAll('figure')].map(f => {
    const svg = f.querySelector('svg'), title = svg.querySelector('text');
    const s = svg.getBoundingClientRect(), t = title.getBoundingClientRect();
    return [f.dataset.kind, s.left, s.right, t.left, t.right].join(',');
  });
  const pre = document.createElement('pre');
  pre.id = 'measure'; pre.textContent = rows.join(';'); document.body.appendChild(pre);
});</script>"""


@pytest.mark.parametrize("width", [1024, 1300, 1440, 1920])
def test_plot_titles_fit_inside_their_cards_at_common_widths(report, tmp_path, width):
    page = tmp_path / "measure.html"
    page.write_text(report.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"),
                    encoding="utf-8")
    dom, console = load(page, "--dump-dom", f"--window-size={width},900")
    assert console == []
    text = dom.split('<pre id="measure">', 1)[1].split("</pre>", 1)[0]
    rows = [r.split(",") for r in text.split(";")]
    assert {r[0] for r in rows} >= {"scores", "subtasks"}
    for kind, s_left, s_right, t_left, t_right in rows:
        assert float(s_left) <= float(t_left) and float(t_right) <= float(s_right), \
            f"{kind} title clipped at {width}px: text ends at {t_right}, card at {s_right}"
