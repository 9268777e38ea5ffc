"""Training helpers for the persuasion-technique heads, shared by
scripts/train_techniques.py and scripts/finetune_decoding.py: the grid of
span-decoding settings searched with the threshold, and the seeded
one-hidden-layer MLP that the heads are fitted with (torch, the ``models``
extra; it returns a ``parley.models.heads.Head``), and the writer of a
technique head file.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from parley.analysers.techniques.features import MODELS_DIR
from parley.models.heads import SIGMOID, SOFTMAX, Head, write_heads

SEED = 13
MAX_GAPS = (0, 1, 2, 3)  # low tokens bridged inside a span, chosen with the threshold
MIN_TOKENS = (1, 2, 3, 4)  # shortest run kept, chosen with the threshold


def fit_mlp(x: np.ndarray, y: np.ndarray, n_out: int, hidden: int, epochs: int, lr: float = 1e-3,
            dropout: float = 0.2, weight_decay: float = 1e-4, batch: int = 512) -> Head:
    """A one-hidden-layer MLP on standardised inputs, as a head: a sigmoid
    for one output, a softmax over several (classes and meta left empty)."""
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(1)  # faster than 2 threads on a shared, busy machine
    device = "cuda" if torch.cuda.is_available() else "cpu"  # same result either way, up to float noise
    mean = x.mean(0)
    scale = x.std(0) + 1e-6
    binary = ((x == 0) | (x == 1)).all(0)  # indicator columns (hashed words) stay as they are:
    mean = np.where(binary, 0.0, mean).astype(np.float32)  # standardising a rare one would blow it up
    scale = np.where(binary, 1.0, scale).astype(np.float32)
    xt = torch.from_numpy((x - mean) / scale).float().to(device)
    yt = torch.from_numpy(y).to(device)
    net = torch.nn.Sequential(
        torch.nn.Dropout(dropout), torch.nn.Linear(x.shape[1], hidden), torch.nn.ReLU(),
        torch.nn.Dropout(dropout), torch.nn.Linear(hidden, n_out),
    ).to(device)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = torch.nn.BCEWithLogitsLoss() if n_out == 1 else torch.nn.CrossEntropyLoss(label_smoothing=0.05)
    gen = torch.Generator().manual_seed(SEED)
    steps = epochs * ((len(xt) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    net.train()
    for _ in range(epochs):
        perm = torch.randperm(len(xt), generator=gen).to(device)
        for i in range(0, len(xt), batch):
            idx = perm[i:i + batch]
            out = net(xt[idx])
            target = yt[idx].float().unsqueeze(1) if n_out == 1 else yt[idx].long()
            loss = loss_fn(out, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    net.eval()
    layers = tuple((lin.weight.detach().cpu().numpy(), lin.bias.detach().cpu().numpy()) for lin in (net[1], net[4]))
    return Head(layers, mean.astype(np.float32), scale.astype(np.float32), output=SIGMOID if n_out == 1 else SOFTMAX)


def save_head(head: Head, taxonomy: str, kind: str, folder: Path = MODELS_DIR) -> Path:
    """Write a ``spans`` or ``labels`` head to ``<taxonomy>-<kind>.npz`` in
    ``folder`` (weights as float16), where
    ``parley.analysers.techniques.features.load_head`` reads it."""
    return write_heads(folder / f"{taxonomy}-{kind}.npz", {kind: head}, {"task": f"{taxonomy}-{kind}"}, half=True)
