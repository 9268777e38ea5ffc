"""The held-out parts of the training sets that fine-tuning chooses its
settings on, shared by scripts/finetune_prepare.py (which marks them in the
bundle) and scripts/finetune_decoding.py (which scores them again): whole
QEvasion interviews and whole CheckThat! debates, drawn with a fixed seed.
The techniques' held-out articles are ``parley_lab.ptc.split``.
"""
from __future__ import annotations

import random
from pathlib import Path

from parley_lab import checkthat

SEED = 13


def interview_of(row: dict) -> str:
    """The interview a QEvasion row comes from (its URL, else its title)."""
    return row["url"] or row["title"]


def qevasion_held_interviews(train: list[dict]) -> set[str]:
    """The 10% of QEvasion training interviews held out (seeded, whole interviews)."""
    interviews = sorted({interview_of(r) for r in train})
    random.Random(SEED).shuffle(interviews)
    return set(interviews[:len(interviews) // 10])


def checkthat_splits(shared: Path):
    """(training debates, names of the held-out ones, {year: test debates})."""
    datasets = shared / "datasets"
    tests = {year: checkthat.test_debates(datasets, year) for year in (2019, 2020)}
    training = checkthat.training_debates(datasets, exclude=tests[2019] + tests[2020])
    names = sorted(d.name for d in training)
    random.Random(SEED).shuffle(names)
    return training, set(names[:max(1, len(names) // 5)]), tests
