"""SWE-bench predictions: the official format and importers for agent scaffolds.

Formats read (detected from the content, never from the file name):

* official (SB:docs/guides/evaluation.md): JSONL, or a JSON list, of
  ``{"instance_id", "model_name_or_path", "model_patch"}``; sb-cli also takes a
  JSON object keyed by instance_id (swebench.com/sb-cli/user-guide/submit).
* mini-SWE-agent: ``preds.json`` is exactly that keyed object
  (minisweagent/run/benchmarks/swebench.py ``update_preds_file``); its
  trajectories ``<id>.traj.json`` hold the patch in ``info.submission`` and the
  id in ``instance_id`` (a folder of them is read recursively).
* SWE-agent writes the same keyed ``preds.json``; Agentless and most others write
  the official JSONL (``all_preds.jsonl``).
* OpenHands: ``output.jsonl`` lines with ``instance_id`` and the patch in
  ``test_result.git_patch``; the model in ``metadata.llm_config.model``
  (OpenHands evaluation/benchmarks/swe_bench, ``convert_to_swebench_format``).

A missing (``null``) patch is kept as ``None``: the official harness reports it
as ``patch_is_None`` and, like an empty one, counts it as ``empty_patch``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.errors import EvalkitError
from evalkit.jsonl import parse_lines


@dataclass(frozen=True)
class Prediction:
    """One patch to evaluate."""

    instance_id: str
    model_name_or_path: str
    model_patch: str | None
    source: str  # file[:line] it came from

    def to_json(self) -> dict[str, Any]:
        """The official prediction record."""
        return {"instance_id": self.instance_id, "model_name_or_path": self.model_name_or_path,
                "model_patch": self.model_patch}


def _patch(value: Any, where: str, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise EvalkitError(f"{where}: field {field!r} must be a string or null")


def _iid(rec: dict[str, Any], where: str) -> str:
    iid = rec.get("instance_id")
    if not isinstance(iid, str) or not iid:
        raise EvalkitError(f"{where}: field 'instance_id' must be a non-empty string")
    return iid


def _from_record(rec: Any, where: str, default_model: str) -> Prediction:
    """One official, OpenHands or mini-SWE-agent trajectory record."""
    if not isinstance(rec, dict):
        raise EvalkitError(f"{where}: expected a JSON object")
    iid = _iid(rec, where)
    if "model_patch" in rec:
        model = rec.get("model_name_or_path") or default_model
        return Prediction(iid, str(model), _patch(rec["model_patch"], where, "model_patch"),
                          where)
    test_result = rec.get("test_result")
    if isinstance(test_result, dict) and "git_patch" in test_result:  # OpenHands
        llm = (rec.get("metadata") or {}).get("llm_config") or {}
        model = llm.get("model") if isinstance(llm, dict) else None
        return Prediction(iid, str(model or default_model),
                          _patch(test_result["git_patch"], where, "test_result.git_patch"),
                          where)
    info = rec.get("info")
    if isinstance(info, dict) and "submission" in info:  # mini-SWE-agent trajectory
        config = (info.get("config") or {}).get("model") or {}
        model = config.get("model_name") if isinstance(config, dict) else None
        return Prediction(iid, str(model or default_model),
                          _patch(info["submission"], where, "info.submission"), where)
    raise EvalkitError(f"{where}: no patch field (expected 'model_patch', "
                       "'test_result.git_patch' (OpenHands) or 'info.submission' "
                       "(mini-SWE-agent trajectory))")


def _read_file(path: Path, default_model: str) -> list[Prediction]:
    text = path.read_text(encoding="utf-8")
    stripped = text.lstrip()
    if not stripped:
        raise EvalkitError(f"{path}: empty predictions file")
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, list):
        return [_from_record(r, f"{path}[{i}]", default_model) for i, r in enumerate(whole)]
    if isinstance(whole, dict):
        if "instance_id" in whole:  # one record (e.g. a single trajectory)
            return [_from_record(whole, str(path), default_model)]
        out = []
        for key, rec in whole.items():  # keyed by instance_id (mini-SWE-agent preds.json)
            where = f"{path}[{key!r}]"
            if isinstance(rec, dict) and "instance_id" not in rec:
                rec = {**rec, "instance_id": key}
            p = _from_record(rec, where, default_model)
            if p.instance_id != key:
                raise EvalkitError(f"{where}: instance_id {p.instance_id!r} differs from its key")
            out.append(p)
        return out
    out = []
    for n, rec in parse_lines(text.splitlines(), path):
        out.append(_from_record(rec, f"{path}:{n}", default_model))
    return out


def load_predictions(path: Path, default_model: str = "unknown") -> list[Prediction]:
    """Every prediction in ``path`` (a file, or a folder of ``*.traj.json``).

    Raises a one-line :class:`EvalkitError` naming the file (and line or key) on
    malformed input or a duplicate instance_id.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(path.rglob("*.traj.json"))
        if not files:
            raise EvalkitError(f"{path}: folder holds no *.traj.json trajectories")
        preds = [p for f in files for p in _read_file(f, default_model)]
    elif path.is_file():
        preds = _read_file(path, default_model)
    else:
        raise EvalkitError(f"{path}: predictions file not found")
    seen: dict[str, str] = {}
    for p in preds:
        if p.instance_id in seen:
            raise EvalkitError(f"{p.source}: duplicate instance_id {p.instance_id!r} "
                               f"(first at {seen[p.instance_id]})")
        seen[p.instance_id] = p.source
    return preds


# finish_reason values that carry what the replay response ("" for both) cannot.
PATCH_IS_NONE = "patch_is_None"
NOT_SUBMITTED = "not_submitted"


def write_replay(preds: list[Prediction], out: Path,
                 instance_ids: list[str] | None = None) -> Path:
    """Write ``preds`` as evalkit replay generations (one sample per instance).

    The replay ``response`` is the patch; a null patch is ``""`` with
    finish_reason ``patch_is_None``.  Instances in ``instance_ids`` without a
    prediction get ``""`` with finish_reason ``not_submitted``: they stay in the
    denominator, as on the leaderboard (resolved / all 500), and the run report
    lists them as incomplete, as the official one does.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".part")
    have = {p.instance_id for p in preds}
    with open(tmp, "w", encoding="utf-8") as f:
        for p in preds:
            f.write(json.dumps({"problem_id": p.instance_id, "sample": 0,
                                "response": p.model_patch or "",
                                "finish_reason": PATCH_IS_NONE if p.model_patch is None
                                else "stop"}) + "\n")
        for iid in instance_ids or []:
            if iid not in have:
                f.write(json.dumps({"problem_id": iid, "sample": 0, "response": "",
                                    "finish_reason": NOT_SUBMITTED}) + "\n")
    tmp.replace(out)
    return out


def predictions_to_replay(path: Path, instance_ids: list[str], out_dir: Path,
                          default_model: str = "unknown") -> tuple[Path, str]:
    """Import ``path`` for ``--backend replay``; (replay file, model_name_or_path).

    The replay file is named by the content hash, so the same predictions map to
    the same run (and resume it).  A prediction for an instance outside the
    benchmark is an error, as in SB ``get_dataset_from_preds``.
    """
    import hashlib

    preds = load_predictions(path, default_model)
    known = set(instance_ids)
    for p in preds:
        if p.instance_id not in known:
            raise EvalkitError(f"{p.source}: instance_id {p.instance_id!r} is not in the "
                               "benchmark's instances")
    models = sorted({p.model_name_or_path for p in preds})
    digest = hashlib.sha256(json.dumps([p.to_json() for p in preds], sort_keys=True)
                            .encode()).hexdigest()[:12]
    out = write_replay(preds, out_dir / f"predictions-{digest}.jsonl", instance_ids)
    return out, models[0] if len(models) == 1 else "+".join(models)
