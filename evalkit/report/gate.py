"""The gate's decision as a Markdown PR comment and as JUnit XML for CI dashboards."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from evalkit.gating import FAIL, INCOMPARABLE, BenchmarkGate, Flip, GateResult, test_name

MAX_FLIPS = 15


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if abs(x) < 1e6 else f"{x:.3g}"


def _flips(flips: tuple[Flip, ...], scale: float) -> str:
    shown = [f"`{f.problem}` {_num(f.baseline * scale)}→{_num(f.candidate * scale)}"
             for f in flips[:MAX_FLIPS]]
    more = len(flips) - len(shown)
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "") if flips else "none"


def _icon(verdict: str) -> str:
    return {FAIL: "❌ fail", INCOMPARABLE: "⚠️ cannot compare"}.get(verdict, "✅ pass")


def line(d: BenchmarkGate) -> str:
    """One line for logs: benchmark, delta with CI, p-value, verdict."""
    if d.bootstrap is None:
        return f"{d.benchmark}: {d.verdict} ({'; '.join(d.reasons)})"
    b = d.bootstrap
    return (f"{d.benchmark}: {_num(b.baseline * d.scale)} -> {_num(b.candidate * d.scale)} "
            f"(delta {d.delta_points:+.2f} {d.unit}, {b.level:.0%} CI "
            f"[{b.low * d.scale:+.2f}, {b.high * d.scale:+.2f}], p={d.p_value:.3g}, "
            f"{test_name(d)}): {d.verdict}")


def to_markdown(result: GateResult) -> str:
    """A Markdown summary suitable for a pull-request comment."""
    worst = {0: "✅ **passed**", 1: "❌ **failed**", 2: "⚠️ **cannot compare**"}
    out = [f"### evalkit regression gate: {worst[result.exit_code]}", "",
           f"Fails only on a drop larger than {_num(result.max_drop)} points (percentage "
           f"points for rates) that is significant at α = {result.alpha:g} (one-sided).", "",
           "| benchmark | baseline | candidate | Δ (CI) | p | test | verdict |",
           "| :--- | ---: | ---: | ---: | ---: | :--- | :--- |"]
    for d in result.decisions:
        if d.bootstrap is None:
            out.append(f"| {d.benchmark} | | | | | | {_icon(d.verdict)}: "
                       f"{'; '.join(d.reasons)} |")
            continue
        b = d.bootstrap
        out.append(
            f"| {d.benchmark} | {_num(b.baseline * d.scale)} | {_num(b.candidate * d.scale)} | "
            f"{d.delta_points:+.2f} {d.unit} ([{b.low * d.scale:+.2f}, {b.high * d.scale:+.2f}]) | "
            f"{d.p_value:.3g} | {test_name(d)} "
            f"({d.problems} problems) | {_icon(d.verdict)} |")
    flips = [d for d in result.decisions if d.worse or d.better]
    if flips:
        out += ["", "**Problems that changed**", ""]
        for d in flips:
            out.append(f"- {d.benchmark}: worse {_flips(d.worse, d.scale)}; "
                       f"better {_flips(d.better, d.scale)}")
    warn = [f"- ⚠️ {d.benchmark} compared with --force despite: {'; '.join(d.reasons)}"
            for d in result.decisions if d.bootstrap is not None and d.reasons]
    warn += [f"- {note}" for note in result.notes]
    if warn:
        out += ["", "**Notes**", "", *warn]
    return "\n".join(out) + "\n"


def to_junit(result: GateResult) -> str:
    """JUnit XML: one testcase per benchmark; a failure per significant drop."""
    suite = ET.Element("testsuite", name="evalkit-gate", tests=str(len(result.decisions)),
                       failures=str(sum(d.verdict == FAIL for d in result.decisions)),
                       errors=str(sum(d.verdict == INCOMPARABLE for d in result.decisions)))
    for d in result.decisions:
        case = ET.SubElement(suite, "testcase", classname="evalkit.gate", name=d.benchmark)
        if d.verdict == FAIL:
            ET.SubElement(case, "failure", message=line(d)).text = line(d)
        elif d.verdict == INCOMPARABLE:
            ET.SubElement(case, "error", message="; ".join(d.reasons)).text = line(d)
        ET.SubElement(case, "system-out").text = line(d)
    ET.indent(suite)
    body = ET.tostring(suite, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"
