"""The CLEF CheckThat! 2019 (task 1) and 2020 (task 5) debate data sets.

Readers for their TSV files (``line <TAB> speaker <TAB> sentence <TAB> label``)
and the train/test splits that ``scripts/train_claims.py`` and
``benchmarks/bench_claims.py`` share. The task's ranking measures (average
precision per debate, MAP, precision at k) are ``parley.scoring.ranking``, the
positive-class F1 ``parley.scoring.classes.positive_f1``. The data stay in
``../shared/datasets``; nothing here copies them into the project.

The 2020 training set repeats two 2019 test debates (``20160311_GOP_miami``
and ``20181015_60_min``), and many 2019 training debates; ``training_debates``
drops any debate that mostly repeats a test debate or one already taken.
``cached_embeddings`` gives MiniLM embeddings of their sentences (extra
``models``), kept in a cache folder outside the project.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from parley.analysers.claims.features import ASKER, SPEAKER
from parley.errors import InputError
from parley_lab import embeddings

DIR_2019 = "clef2019-checkthat-task1-debates/data"
DIR_2020 = "clef2020-checkthat-task5-debates"


@dataclass(frozen=True)
class Line:
    number: int
    speaker: str
    text: str
    label: int  # 1 check-worthy, 0 not


@dataclass(frozen=True)
class Debate:
    name: str
    lines: tuple[Line, ...]


def speaker_roles(debate: Debate, question_share: float = 0.15, ) -> dict[str, str]:
    """Each speaker's role, from the text alone: ``asker`` when more than
    ``question_share`` of their sentences end in a question mark (moderators,
    interviewers, audience), else ``speaker``. Labels are never looked at."""
    said: dict[str, list[int]] = {}
    for line in debate.lines:
        n = said.setdefault(line.speaker, [0, 0])
        n[0] += 1
        n[1] += line.text.rstrip().endswith("?")
    return {s: ASKER if q / n > question_share else SPEAKER for s, (n, q) in said.items()}


def read_debate(path: Path) -> Debate:
    lines = []
    with open(path, encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            parts = raw.rstrip("\r\n").split("\t")
            if len(parts) < 3 or not parts[0].strip():
                continue
            try:
                number = int(parts[0])
                # The 2019 test gold has a few rows labelled "01": positive.
                label = int(parts[3]) if len(parts) > 3 and parts[3].strip() else 0
            except ValueError as e:
                raise InputError(f"line {n} is not a CheckThat! row", code="E109", path=str(path)) from e
            lines.append(Line(number, parts[1], parts[2], 1 if label > 0 else 0))
    return Debate(path.stem, tuple(lines))


def read_folder(folder: Path) -> list[Debate]:
    files = sorted(folder.glob("*.tsv"))
    if not files:
        raise InputError("no CheckThat! .tsv files", code="E106", path=str(folder))
    return [read_debate(p) for p in files]


def test_debates(datasets: Path, year: int) -> list[Debate]:
    if year == 2019:
        return read_folder(datasets / DIR_2019 / "test_annotated")
    if year == 2020:
        return read_folder(datasets / DIR_2020 / "test-input" / "test-gold")
    raise InputError(f"no CheckThat! test set for {year}", code="E109")


def _long_sentences(debate: Debate) -> set[str]:
    return {line.text for line in debate.lines if len(line.text) > 40}


def training_debates(datasets: Path, exclude: Iterable[Debate] = ()) -> list[Debate]:
    """2020 and 2019 training debates, without repeats of each other or of ``exclude``."""
    taken: set[str] = set()
    for debate in exclude:
        taken |= _long_sentences(debate)
    out: list[Debate] = []
    # 2019 first: where a debate is in both, its 2019 labels are the denser.
    candidates = read_folder(datasets / DIR_2019 / "training")
    candidates += read_folder(datasets / DIR_2020 / "data" / "v2.0" / "training")
    for debate in candidates:
        long = _long_sentences(debate)
        if long and len(long & taken) / len(long) > 0.3:
            continue
        out.append(debate)
        taken |= long
    return out


def cached_embeddings(texts, cache: Path):
    """MiniLM embeddings of ``texts`` (float32, in order), kept in the file
    ``minilm.npz`` of the folder ``cache`` (``parley_lab.embeddings``)."""
    return embeddings.cached_embedder(cache / "minilm.npz")(list(texts))
