"""The pieces of adapter fine-tuning: LoRA layers over all-MiniLM-L6-v2, the
tagger and classifier heads, batching, the optimiser, and the export of an
adapter file that ``parley.models.adapters`` merges at load time.

Used by ``scripts/finetune.py``; needs torch and transformers (the ``models``
extra). ``RANK`` and ``ALPHA`` are the LoRA rank and scale of every shipped
adapter; ``SEED`` seeds every random choice of fine-tuning.
"""
from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import torch
from torch import nn

from parley.models.modelfile import write_model

RANK = 16

ALPHA = 32

SEED = 13



def log(*parts: object) -> None:
    print(*parts, flush=True)



class LoRALinear(nn.Module):
    """``base(x) + scale * (x A^T) B^T`` with ``base`` frozen."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        for p in base.parameters():
            p.requires_grad_(False)
        self.a = nn.Parameter(torch.empty(rank, base.in_features))
        nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))
        self.b = nn.Parameter(torch.zeros(base.out_features, rank))
        self.scale = alpha / rank
        self.dropout = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (self.dropout(x) @ self.a.t() @ self.b.t()) * self.scale



def load_encoder(bundle: Path, device: str) -> tuple[nn.Module, object, dict[str, LoRALinear]]:
    from transformers import AutoModel, AutoTokenizer

    path = str(bundle / "encoder")
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).float()
    for p in model.parameters():
        p.requires_grad_(False)
    adapters: dict[str, LoRALinear] = {}
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            full = f"{name}.{child_name}" if name else child_name
            if isinstance(child, nn.Linear) and full.startswith("encoder.layer."):
                wrapped = LoRALinear(child, RANK, ALPHA)
                setattr(module, child_name, wrapped)
                adapters[full + ".weight"] = wrapped
    for name, p in model.named_parameters():
        if "LayerNorm" in name and name.startswith("encoder.layer."):
            p.requires_grad_(True)
    return model.to(device), tokenizer, adapters



class Tagger(nn.Module):
    """Encoder + one logit per token."""

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(384, 1)

    def forward(self, batch: dict) -> torch.Tensor:
        hidden = self.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                              token_type_ids=batch.get("token_type_ids")).last_hidden_state
        return self.out(self.drop(hidden)).squeeze(-1)



class Classifier(nn.Module):
    """Encoder + mean pooling + one linear head per output."""

    def __init__(self, encoder: nn.Module, sizes: dict[str, int]) -> None:
        super().__init__()
        self.encoder = encoder
        self.drop = nn.Dropout(0.1)
        self.heads = nn.ModuleDict({k: nn.Linear(384, n) for k, n in sizes.items()})

    def forward(self, batch: dict) -> dict[str, torch.Tensor]:
        hidden = self.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                              token_type_ids=batch.get("token_type_ids")).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = self.drop((hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0))
        return {k: head(pooled) for k, head in self.heads.items()}



def trainable_state(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.named_parameters() if v.requires_grad}



def export(model: nn.Module, adapters: dict[str, LoRALinear], path: Path, meta: dict) -> None:
    """The adapters as factors, LayerNorms and head as they are, and meta."""
    arrays: dict[str, np.ndarray] = {}
    for key, module in adapters.items():
        arrays[f"lora_a:{key}"] = module.a.detach().float().cpu().numpy().astype(np.float16)
        arrays[f"lora_b:{key}"] = (module.b.detach().float().cpu().numpy() * module.scale).astype(np.float16)
    for name, p in model.named_parameters():
        if not p.requires_grad or ".a" == name[-2:] or ".b" == name[-2:]:
            continue
        if name.startswith("encoder."):
            key = name[len("encoder."):]  # the encoder's own state-dict key
            arrays[f"set:{key}"] = p.detach().float().cpu().numpy()
        else:
            arrays[f"head:{name}"] = p.detach().float().cpu().numpy()
    write_model(path, meta, arrays)
    log(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")



def batches(n: int, lengths: list[int], size: int, shuffle: bool, rng: random.Random) -> list[list[int]]:
    """Index batches of similar lengths (less padding), in random order when training."""
    order = sorted(range(n), key=lambda i: lengths[i])
    out = [order[i:i + size] for i in range(0, n, size)]
    if shuffle:
        rng.shuffle(out)
    return out



def encode_pairs(tokenizer, firsts: list[str], seconds: list[str] | None, max_length: int, device: str) -> dict:
    enc = tokenizer(firsts, seconds, truncation="longest_first" if seconds else True, max_length=max_length,
                    padding=True, return_tensors="pt")
    return {k: v.to(device) for k, v in enc.items()}



def optimiser(model: nn.Module, lr: float, steps: int) -> tuple[torch.optim.Optimizer, object]:
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / max(1, steps - warm)))
    return opt, sched



def autocast(device: str):
    return torch.autocast("cuda", dtype=torch.bfloat16) if device.startswith("cuda") else torch.autocast(
        "cpu", enabled=False)

