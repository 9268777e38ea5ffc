"""A reader for PolNeAR (``../shared/datasets/polnear-attribution``; never
copied into the project), the attribution corpus of news articles that
benchmarks/bench_who_said_what.py scores against, with
``parley.scoring.attributions``. Its annotations are brat standoff files,
one per article and annotator.
"""
from __future__ import annotations

from pathlib import Path

from parley.document import Span


def read_brat(path: Path) -> list[dict[str, Span | None]]:
    """PolNeAR relations of one .ann file: content, source and cue spans."""
    spans: dict[str, Span] = {}
    pieces_of: dict[str, tuple[Span, ...]] = {}
    relations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, info = line.split("\t")[:2]
            _, ranges = info.split(" ", 1)
            pieces = [tuple(int(x) for x in r.split()) for r in ranges.split(";")]
            spans[tid] = Span(min(p[0] for p in pieces), max(p[1] for p in pieces))
            pieces_of[tid] = tuple(Span(a, b) for a, b in pieces)
        elif line.startswith("E"):
            parts = dict(p.split(":", 1) for p in line.split("\t")[1].split())
            relations.append(parts)
    out = []
    for rel in relations:
        if "Content" not in rel or rel["Content"] not in spans:
            continue
        out.append({"content": spans[rel["Content"]], "pieces": pieces_of[rel["Content"]],
                    "source": spans.get(rel.get("Source", "")), "cue": spans.get(rel.get("Cue", ""))})
    return out


def polnear_files(shared: Path, split: str) -> list[tuple[Path, Path]]:
    """(text file, its first annotation file) per article of ``split`` that has one."""
    base = shared / "datasets" / "polnear-attribution" / "data" / split
    pairs = []
    for text in sorted((base / "text").glob("*.txt")):
        anns = sorted((base / "attributions").glob(text.stem + "_*.ann"))
        if anns:
            pairs.append((text, anns[0]))
    return pairs
