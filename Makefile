# The README's two commands live here:
#   make sample   set up and run the main job (IOI 2024 sample, reference solutions)
#   make test     set up and run the tests (what .ci/run calls)
VENV ?= .venv
PY := $(VENV)/bin/python
EVALKIT := $(VENV)/bin/evalkit
IMAGE ?= evalkit-judge:latest

.PHONY: setup docker image swe-images sample test lint typecheck unit bench clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

setup: $(PY)
	$(PY) -m pip install -q -e '.[dev]'

docker:
	./scripts/ensure_docker.sh

image: setup docker
	@docker image inspect $(IMAGE) >/dev/null 2>&1 || $(EVALKIT) sandbox build --image $(IMAGE)

# Local images of the official SWE-bench layout for swebench_sample and its tests.
swe-images: setup docker
	$(PY) scripts/build_swebench_images.py

sample: image
	$(EVALKIT) run ioi2024_sample --backend reference

lint: setup
	$(VENV)/bin/ruff check evalkit tests scripts

typecheck: setup
	$(VENV)/bin/mypy

unit: setup
	EVALKIT_SKIP_DOCKER=1 $(PY) -m pytest -q -m "not docker"

test: image swe-images lint typecheck
	$(PY) -m pytest -q -ra

bench: image
	$(PY) scripts/bench_sandbox.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
