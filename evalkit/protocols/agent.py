"""``agent``: SWE-bench patches written by mini-SWE-agent in the instance container (issue 21).

Per (instance, sample) episode:

1. a container of the instance image, started as judging starts one
   (:class:`evalkit.swebench.agent_env.InstanceContainer`);
2. mini-swe-agent's own ``DefaultAgent`` (package ``mini-swe-agent`` 2.4.x, unchanged) with
   its default SWE-bench config (minisweagent/config/benchmarks/swebench.yaml: system and
   instance templates, bash tool, observation and format-error templates, cwd /testbed,
   60 s per command), ``step_limit`` / ``cost_limit`` / ``timeout`` from
   :class:`AgentOptions`; the task is the instance's ``problem_statement``, as in its
   ``mini-extra swebench`` runner (run/benchmarks/swebench.py ``process_instance``);
3. every model call is one ``ep.generate`` of the agent's whole message list (label
   ``agent``, mini's ``bash`` tool offered), every command one ``ep.act`` (label
   ``command``, result = mini's ``{"output", "returncode", "exception_info"}``), so each
   step is stored as it happens;
4. the patch is what that runner takes, the submission (the output after
   ``COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT``, i.e. the agent's ``git diff``), empty when
   the agent stopped otherwise (step limit, repeated format errors, a failed call); with
   ``patch = "diff"`` (a deliberate difference, off by default) it is instead
   ``git add -A && git diff --cached`` of /testbed at the end, whatever the exit (the
   submit command of mini-swe-agent 1.x's SWE-bench config);
5. ``ep.finish(final=<a step whose response is the patch>)``: the normal judge stage
   grades it exactly like an imported prediction.

**Resume (kill -9).**  A container's state cannot be stored cheaply, so an interrupted
episode restarts from a clean container and *re-executes* its stored commands in it, in
order, before going live: the protocol replays as the episode core replays every
protocol (docs/architecture.md, "Episodes"): stored model calls return their stored
turns (never asked again) and stored commands return their stored results, so the agent
and the model see exactly the conversation they saw; in addition each replayed command
is run again, its result discarded, to bring the fresh container to the state the next
live command expects.  Commands are mostly deterministic file edits and reads; a command
whose re-run gives another return code is counted (``replay_mismatches``) and the
episode goes on.  The other choice, restarting the episode from scratch, would discard
finished model calls (the expensive part) and make a resumed run differ from an
uninterrupted one for any sampled model; a finished episode is never redone.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from evalkit.episodes.protocol import Protocol
from evalkit.errors import EvalkitError

# mini-swe-agent prints a banner on import unless told not to (minisweagent/__init__.py).
os.environ.setdefault("MSWEA_SILENT_STARTUP", "1")

if TYPE_CHECKING:
    from evalkit.benchmarks.swebench import SwebenchBenchmark
    from evalkit.episodes.episode import Episode
    from evalkit.episodes.journal import EpisodeFinal

PATCH_LABEL = "patch"  # the final step: the patch (a command's output, not a model turn)
PATCH_SOURCES = ("submission", "diff")
TOOL_FORMATS = ("qwen3_coder", "hermes")
# mini-swe-agent 1.x's SWE-bench submit command (config/extra/swebench.yaml, 1.x).
DIFF_COMMAND = "git add -A && git diff --cached"


@dataclass(frozen=True)
class AgentOptions:
    """``--set agent.KEY=VALUE``; the names are mini-swe-agent's (its SWE-bench config)."""

    step_limit: int = 250  # agent.step_limit: model calls; 0 = no limit
    cost_limit: float = 3.0  # agent.cost_limit (USD); evalkit's calls cost 0 (see agent_model)
    timeout: int = 60  # environment.timeout: seconds per command
    max_consecutive_format_errors: int = 3  # agent (AgentConfig default)
    # How tool calls written in the text are read (backends without a server-side tool
    # parser, e.g. vllm): the grammar of vLLM's parser of that name (evalkit/tools/calls.py).
    tool_format: str = "qwen3_coder"
    patch: str = "submission"  # "submission" (mini's runner) | "diff" (see module doc)

    def check(self, where: str) -> None:
        """Values out of range are one-line errors naming the key."""
        if self.step_limit < 0:
            raise EvalkitError(f"{where}: key 'agent.step_limit' must be >= 0")
        if self.cost_limit < 0:
            raise EvalkitError(f"{where}: key 'agent.cost_limit' must be >= 0")
        if self.timeout <= 0:
            raise EvalkitError(f"{where}: key 'agent.timeout' must be positive")
        if self.max_consecutive_format_errors < 0:
            raise EvalkitError(f"{where}: key 'agent.max_consecutive_format_errors' must be "
                               ">= 0")
        if self.tool_format not in TOOL_FORMATS:
            raise EvalkitError(f"{where}: key 'agent.tool_format' must be one of "
                               f"{', '.join(TOOL_FORMATS)}")
        if self.patch not in PATCH_SOURCES:
            raise EvalkitError(f"{where}: key 'agent.patch' must be one of "
                               f"{', '.join(PATCH_SOURCES)}")


def _mini_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mini-swe-agent")
    except PackageNotFoundError:
        raise EvalkitError("protocol 'agent' needs mini-swe-agent: "
                           "pip install 'evalkit[swebench]'") from None


class CommandReplay:
    """The environment's recorder: each command through ``ep.act``; a replayed command
    is also run again in the fresh container (see the module doc)."""

    def __init__(self, ep: Episode) -> None:
        self.ep = ep
        self.replayed = 0
        self.mismatches = 0
        self.commands = 0

    def __call__(self, command: str, run: Any) -> dict[str, Any]:
        ran: list[bool] = []

        def live() -> dict[str, Any]:
            ran.append(True)
            return run()  # type: ignore[no-any-return]

        self.commands += 1
        result: dict[str, Any] = self.ep.act("command", live)
        if not ran:  # stored: rebuild the container's state, show the stored result
            self.replayed += 1
            again = run()
            if again.get("returncode") != result.get("returncode"):
                self.mismatches += 1
        return result


class AgentProtocol(Protocol):
    """mini-SWE-agent in the instance container; the patch is judged by the judge stage."""

    name: ClassVar[str] = "agent"  # rejudge "final": the patch is judged after the episode

    def __init__(self, bench: Any) -> None:
        super().__init__(bench)
        self.opts: AgentOptions = bench.options.agent
        self._config: dict[str, Any] | None = None
        self._cleaned: set[str] = set()
        self._lock = threading.Lock()

    def config(self) -> dict[str, Any]:
        """mini-swe-agent's SWE-bench config with this run's limits."""
        if self._config is None:
            from evalkit.swebench.agent_env import mini_swebench_config

            cfg = mini_swebench_config()
            cfg["agent"] = {**cfg["agent"], "step_limit": self.opts.step_limit,
                            "cost_limit": self.opts.cost_limit,
                            "max_consecutive_format_errors":
                                self.opts.max_consecutive_format_errors}
            self._config = cfg
        return self._config

    def params(self) -> dict[str, Any]:
        """The options, the package version and a hash of its config (prompts, templates)."""
        from minisweagent.run.benchmarks.swebench import DEFAULT_CONFIG_FILE

        sha = hashlib.sha256(Path(DEFAULT_CONFIG_FILE).read_bytes()).hexdigest()[:16]
        return {**asdict(self.opts), "mini_swe_agent": _mini_version(),
                "config": Path(DEFAULT_CONFIG_FILE).name, "config_sha256": sha}

    def check(self) -> None:
        """Only SWE-bench adapters (instances with images) run it; the package must exist."""
        if not hasattr(self.bench, "instances"):
            raise EvalkitError(f"protocol 'agent': {self.bench.name} has no SWE-bench instances")
        _mini_version()

    def run(self, ep: Episode) -> None:
        """One instance: the agent in a fresh container, then the patch as the final step."""
        import docker
        from minisweagent.agents.default import DefaultAgent

        from evalkit.swebench.agent_env import ContainerEnvironment, EnvConfig, InstanceContainer
        from evalkit.swebench.agent_model import AgentModel, ModelCallError, ModelConfig

        bench = cast("SwebenchBenchmark", self.bench)  # check(): a SWE-bench adapter
        inst = bench.instances()[ep.problem.id]
        cfg = self.config()
        agent_cfg = dict(cfg["agent"])
        if ep.ctx is not None and ep.ctx.run_dir is not None:
            # mini's runner layout: <out>/<id>/<id>.traj.json (readable by --predictions)
            leaf = ep.problem.id if ep.sample == 0 else f"{ep.problem.id}.sample{ep.sample}"
            agent_cfg["output_path"] = Path(ep.ctx.run_dir) / "agent" / leaf / \
                f"{ep.problem.id}.traj.json"

        def generate(messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> Any:
            return ep.generate(messages, label="agent", tools=tools)[0]

        model = AgentModel(generate, ModelConfig.from_mini(cfg["model"]), self.opts.tool_format)
        recorder = CommandReplay(ep)
        client = docker.from_env(timeout=600)
        owner = str(Path(ep.ctx.run_dir).resolve()) if ep.ctx and ep.ctx.run_dir else ""
        reason = ""
        try:
            self._remove_left_over(client, owner)
            with InstanceContainer(client, image=inst.image, instance_id=inst.instance_id,
                                   pull=bench.pull, owner=owner) as box:
                env = ContainerEnvironment(box, EnvConfig.from_mini(
                    cfg["environment"], timeout=self.opts.timeout), record=recorder)
                agent = DefaultAgent(model, env, **agent_cfg)
                try:
                    info = agent.run(inst.problem_statement)
                    exit_status = str(info.get("exit_status", ""))
                    submission = str(info.get("submission") or "")
                    if exit_status != "Submitted":
                        reason = str(agent.messages[-1].get("content", ""))
                except ModelCallError as e:  # mini's runner: the exception's name, no patch
                    exit_status, submission, reason = type(e).__name__, "", str(e)
                patch = submission
                if self.opts.patch == "diff":
                    # The last command: nothing after it needs the container's state.
                    patch = str(ep.act("patch", lambda: env.run_command(DIFF_COMMAND))["output"])
        finally:
            client.close()
        messages = agent.messages
        format_errors = sum(1 for m in messages
                            if (m.get("extra") or {}).get("interrupt_type") == "FormatError")
        metrics = {"exit_status": exit_status, "steps": agent.n_calls,
                   "commands": recorder.commands, "format_errors": format_errors,
                   "patch_chars": len(patch), "replayed_commands": recorder.replayed,
                   "replay_mismatches": recorder.mismatches, "reason": reason[:2000]}
        final = ep.record(patch, label=PATCH_LABEL,
                          meta={"exit_status": exit_status})
        ep.finish(final=final, metrics=metrics)

    def _remove_left_over(self, client: Any, owner: str) -> None:
        """Once per run directory: the containers a killed run of it left running."""
        from evalkit.swebench.agent_env import remove_left_over

        with self._lock:
            if owner and owner not in self._cleaned:
                remove_left_over(client, owner)
                self._cleaned.add(owner)

    def summarize(self, finals: Mapping[tuple[str, int], EpisodeFinal]) -> dict[str, Any]:
        """Exit statuses, steps and format errors over the finished episodes."""
        ms = [f.metrics for f in finals.values()]
        steps = [int(m.get("steps", 0)) for m in ms]
        return {"exit_status": dict(sorted(Counter(str(m.get("exit_status", ""))
                                                   for m in ms).items())),
                "submitted": sum(1 for m in ms if m.get("exit_status") == "Submitted"),
                "step_limit": sum(1 for m in ms if m.get("exit_status") == "LimitsExceeded"),
                "format_error_exits": sum(1 for m in ms
                                          if m.get("exit_status") == "RepeatedFormatError"),
                "format_errors": sum(int(m.get("format_errors", 0)) for m in ms),
                "empty_patches": sum(1 for m in ms if not m.get("patch_chars")),
                "steps": {"mean": statistics.fmean(steps) if steps else None,
                          "median": statistics.median(steps) if steps else None,
                          "max": max(steps) if steps else None},
                "commands": sum(int(m.get("commands", 0)) for m in ms),
                "replayed_commands": sum(int(m.get("replayed_commands", 0)) for m in ms),
                "replay_mismatches": sum(int(m.get("replay_mismatches", 0)) for m in ms)}


PROTOCOL = AgentProtocol
