"""`swebench_sample` end to end through the pipeline: real images, git, pytest, Docker.

Checks the whole path a user takes: predictions in, per-instance logs and
report.json, the official run report, the summary contract, resume, and that an
infrastructure error is retried and never counted as unresolved.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from evalkit.pipeline import RunConfig, start

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "benchmarks" / "swebench_sample"
MIXED = SAMPLE / "predictions" / "mixed.jsonl"


@pytest.fixture(scope="session")
def swe_images() -> dict[str, str]:
    """The sample images (built once per session if missing; `make swe-images` in CI)."""
    if os.environ.get("EVALKIT_SKIP_DOCKER") == "1":
        pytest.skip("EVALKIT_SKIP_DOCKER=1")
    from evalkit.swebench.images import build_sample_images

    return build_sample_images(log=lambda _msg: None)


def quiet() -> Console:
    return Console(file=open("/dev/null", "w"), width=120)


def judgements(run: Path) -> list[dict]:
    return [json.loads(x) for x in (run / "judgements.jsonl").read_text().splitlines()]


@pytest.mark.docker
@pytest.mark.slow
def test_gold_patches_resolve_everything(swe_images, tmp_path):
    out = tmp_path / "run"
    s = start(RunConfig(benchmark="swebench_sample", backend="reference", out=out, workers=2),
              quiet())
    assert s["score"] == s["max_score"] == 3
    assert s["headline"]["aggregate"] == "mean" and s["headline"]["value"] == 1.0
    assert set(s["problems"]) == {"evalkit-samples__statkit-1", "evalkit-samples__textkit-1",
                                  "evalkit-samples__textkit-2"}
    key = s["judge_key"]
    for iid in s["problems"]:
        d = out / "logs" / "run_evaluation" / key / iid
        assert json.loads((d / "report.json").read_text())[iid]["resolved"] is True
    run_report = json.loads((out / f"reference.{key}.json").read_text())
    assert run_report["resolved_instances"] == 3 and run_report["schema_version"] == 2


@pytest.mark.docker
@pytest.mark.slow
def test_cli_predictions_print_rate_and_breakdowns_and_resume_from_reports(swe_images,
                                                                           tmp_path):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "evalkit", "run", "swebench_sample", "--predictions",
           str(MIXED), "--out", str(out), "--results", str(tmp_path / "results"),
           "--workers", "2"]
    env = {**os.environ, "COLUMNS": "120"}
    r = subprocess.run(cmd, cwd=REPO, text=True, capture_output=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "resolved 1/3 = 33.3%" in r.stdout
    for text in ("empty patch", "evalkit-samples/statkit", "evalkit-samples/textkit"):
        assert text in r.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["model"] == "demo-agent" and manifest["backend"]["backend"] == "replay"
    verdicts = {j["problem_id"]: j["verdict"] for j in judgements(out)}
    assert verdicts == {"evalkit-samples__statkit-1": "resolved",
                        "evalkit-samples__textkit-1": "unresolved",
                        "evalkit-samples__textkit-2": "empty_patch"}
    summary = json.loads((out / "summary.json").read_text())
    assert (out / f"demo-agent.{summary['judge_key']}.json").is_file()
    # An empty patch is an outcome of the agent, not a generation that ran out of tokens.
    assert summary["generation"]["warnings"] == []
    assert "max_tokens" not in r.stdout + r.stderr
    # Lose the judgements but keep the per-instance reports: the re-run grades from
    # report.json without running any container (the official resume rule).
    (out / "judgements.jsonl").unlink()
    r = subprocess.run(cmd, cwd=REPO, text=True, capture_output=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    again = {j["problem_id"]: j for j in judgements(out)}
    assert again["evalkit-samples__statkit-1"]["details"].get("resumed") is True
    assert again["evalkit-samples__statkit-1"]["verdict"] == "resolved"


@pytest.mark.docker
@pytest.mark.slow
def test_infrastructure_error_is_retried_and_never_counted_unresolved(swe_images, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    rows = [json.loads(x) for x in (SAMPLE / "instances.jsonl").read_text().splitlines()]
    rows[1]["image"] = "evalkit-swe-missing-image:latest"
    (data / "instances.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    # statkit-1 hangs: a timeout (a verdict), unlike the missing image (an error).
    hang = rows[0]["patch"].replace(
        "+    if len(ordered) % 2 == 0:\n"
        "+        return (ordered[middle - 1] + ordered[middle]) / 2\n",
        "+    while len(ordered) % 2 == 0:\n+        pass\n")
    preds = tmp_path / "preds.jsonl"
    preds.write_text("".join(json.dumps({"problem_id": r["instance_id"], "response": p}) + "\n"
                             for r, p in zip(rows, [hang, rows[1]["patch"], rows[2]["patch"]],
                                             strict=True)))
    out = tmp_path / "run"
    cfg = RunConfig(benchmark="swebench_sample", backend="replay", generations=preds,
                    data=data, out=out, workers=2, options={"judge.timeout": 6})
    s = start(cfg, quiet())
    m = s["metrics"]
    assert m["by_outcome"]["infra_error"] == 1 and m["by_outcome"]["timeout"] == 1
    assert m["by_outcome"]["unresolved"] == 0 and m["judge_errors"] == 1
    assert m["run_report"]["error_ids"] == ["evalkit-samples__statkit-1",
                                            "evalkit-samples__textkit-1"]
    assert m["run_report"]["infra_failure_ids"] == ["evalkit-samples__textkit-1"]
    [err] = [j for j in judgements(out) if j["judge_error"]]
    assert "evalkit-swe-missing-image:latest is not available locally" in err["judge_error"]
    assert err["details"]["attempts"] == 3  # first try + 2 retries
    # Once the image exists, the next run of the same command judges only that instance.
    subprocess.run(["docker", "tag", "evalkit-swe-textkit:latest",
                    "evalkit-swe-missing-image:latest"], check=True)
    try:
        s = start(cfg, quiet())
    finally:
        subprocess.run(["docker", "rmi", "evalkit-swe-missing-image:latest"], check=True,
                       capture_output=True)
    assert s["metrics"]["by_outcome"]["resolved"] == 2 and s["metrics"]["judge_errors"] == 0
    assert len(judgements(out)) == 4
    shutil.rmtree(out / "logs", ignore_errors=True)


@pytest.mark.docker
def test_a_run_where_every_instance_is_an_infrastructure_error_exits_1(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    rows = [json.loads(x) for x in (SAMPLE / "instances.jsonl").read_text().splitlines()]
    for r in rows:
        r["image"] = "evalkit-swe-missing-image:latest"
    (data / "instances.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    cmd = [sys.executable, "-m", "evalkit", "run", "swebench_sample", "--data", str(data),
           "--predictions", str(MIXED), "--out", str(tmp_path / "run"),
           "--results", str(tmp_path / "results"), "--set", "judge.retries=0"]
    r = subprocess.run(cmd, cwd=REPO, text=True, capture_output=True, timeout=600)
    # textkit-2's empty patch needs no container: a verdict; drop it and nothing is measured.
    assert r.returncode == 0, r.stderr
    preds = tmp_path / "two.jsonl"
    preds.write_text("".join(line + "\n" for line in MIXED.read_text().splitlines()[:2]))
    cmd[cmd.index(str(MIXED))] = str(preds)
    cmd[cmd.index(str(tmp_path / "run"))] = str(tmp_path / "run2")
    cmd += ["--problems", "evalkit-samples__statkit-1,evalkit-samples__textkit-1"]
    r = subprocess.run(cmd, cwd=REPO, text=True, capture_output=True, timeout=600)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "no problem got a verdict" in r.stdout + r.stderr
    assert len(judgements(tmp_path / "run2")) == 2  # the errors are kept (retried next run)


def test_verified_summary_sets_verdicts_beside_the_official_run_of_the_same_model(tmp_path):
    from evalkit.benchmarks import load_benchmark
    from evalkit.records import Judgement

    bench = load_benchmark("swebench_verified")
    problems = bench.problems()
    assert len(problems) == 500
    runs = bench.official_runs()
    assert runs is not None
    folder = "20250726_mini-v1.0.0_o3-2025-04-16"
    official = set(runs[folder]["resolved_ids"])
    # evalkit agrees with that run everywhere but on one instance it resolved.
    flipped = sorted(official)[0]
    js = {(p.id, 0): Judgement(p.id, 0, "k", "resolved" if p.id in official and p.id != flipped
                               else "unresolved", 0.0, 1.0,
                               {"repo": p.meta["repo"]}) for p in problems}
    s = bench.summarize(problems, js)
    assert s["score"] == len(official) - 1 and s["max_score"] == 500
    top = s["metrics"]["official_comparison"][0]
    assert top["run"] == folder and top["agreement"] == 499 / 500
    assert sum(r["total"] for r in s["metrics"]["by_repo"].values()) == 500
    (tmp_path / "manifest.json").write_text(json.dumps({"model": "o3-2025-04-16"}))
    s["judge_key"] = "k"
    bench.finish(tmp_path, s)
    rows = json.loads((tmp_path / "official_comparison.json").read_text())
    assert [r["run"] for r in rows if r["same_model"]] == [folder]
    assert json.loads((tmp_path / "o3-2025-04-16.k.json").read_text())["total_instances"] == 500


@pytest.mark.docker
@pytest.mark.slow
def test_clean_images_removes_each_instance_image_after_use(swe_images, tmp_path):
    import docker

    image = "evalkit-swe-statkit-clean:latest"
    subprocess.run(["docker", "tag", "evalkit-swe-statkit:latest", image], check=True)
    data = tmp_path / "data"
    data.mkdir()
    row = json.loads((SAMPLE / "instances.jsonl").read_text().splitlines()[0])
    row["image"] = image
    (data / "instances.jsonl").write_text(json.dumps(row) + "\n")
    cfg = RunConfig(benchmark="swebench_sample", backend="reference", data=data,
                    out=tmp_path / "run", workers=1, options={"judge.clean_images": True})
    s = start(cfg, quiet())
    assert s["score"] == 1
    client = docker.from_env()
    with pytest.raises(docker.errors.ImageNotFound):
        client.images.get(image)
    client.images.get("evalkit-swe-statkit:latest")  # only the tag went, not the shared layers


def test_empty_null_and_missing_patches_are_not_run(tmp_path):
    from evalkit.benchmarks import load_benchmark
    from evalkit.benchmarks.base import JudgeContext
    from evalkit.records import Generation

    bench = load_benchmark("swebench_sample")
    p = bench.problems()[0]
    ctx = JudgeContext(run_dir=tmp_path)
    # No container is started for any of these (SB reporting.py: "" and None are empty).
    empty = bench.judge(p, Generation(p.id, 0, ""), ctx, "k")
    null = bench.judge(p, Generation(p.id, 0, "", finish_reason="patch_is_None"), ctx, "k")
    missing = bench.judge(p, Generation(p.id, 0, "", finish_reason="not_submitted"), ctx, "k")
    assert (empty.verdict, empty.details["patch_is_None"]) == ("empty_patch", False)
    assert (null.verdict, null.details["patch_is_None"]) == ("empty_patch", True)
    assert missing.verdict == "not_submitted" and missing.judge_error is None
    assert not (tmp_path / "logs").exists()
