"""Pack what scripts/finetune.py needs on a training machine into ``.finetune/``.

    .venv/bin/python scripts/finetune_prepare.py [--shared ../shared]

``.finetune/`` is ignored by git (research data never enters the project). It
holds the bundled all-MiniLM-L6-v2 weights, in float16 unless ``--float32``
(half the size, for a GPU machine's transfer limit; the adapters trained on
them are applied to the float32 weights at run time, a difference far below
the training noise) and, as gzipped JSON, the training
and evaluation splits of the four tasks, with the held-out part of each
training split marked (settings are chosen on it, never on dev or test):

- ``techniques.json.gz``: PTC train/dev (SemEval-2020 Task 11) and the
  SemEval-2023 Task 3 English train / CheckThat! 2024 test, as articles cut
  into the segments that ``parley.analysers.techniques.features.segments`` gives;
- ``qevasion.json.gz``: QEvasion train (held out by interview) and test;
- ``checkthat.json.gz``: CheckThat! 2019+2020 training debates (held out by
  debate) and both test sets.
"""
from __future__ import annotations

import argparse
import gzip
import json
import shutil
from pathlib import Path

from parley_lab.splits import checkthat_splits, interview_of, qevasion_held_interviews

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / ".finetune"
TOKENIZER_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json")


def write(name: str, data: object) -> None:
    path = OUT / name
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(data, fh)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


def pack_encoder(half: bool = True) -> None:
    import torch
    from safetensors.torch import load_file, save_file

    from parley.models import encoder
    source = encoder.model_path()
    target = OUT / "encoder"
    target.mkdir(parents=True, exist_ok=True)
    for name in TOKENIZER_FILES:
        shutil.copy(source / name, target / name)
    if not half:
        shutil.copy(source / "model.safetensors", target / "model.safetensors")
        print(f"wrote {target} (float32 weights)")
        return
    weights = {k: v.to(torch.float16).contiguous() for k, v in load_file(str(source / "model.safetensors")).items()}
    save_file(weights, str(target / "model.safetensors"), metadata={"format": "pt"})
    print(f"wrote {target} (float16 weights)")


def pack_techniques() -> None:
    from parley.analysers.techniques.features import segments
    from parley_lab import ptc

    def articles(name: str, held: set[int]) -> list[dict]:
        out = []
        for i, a in enumerate(ptc.load(name)):
            out.append({"id": a.id, "text": a.text, "held": i in held,
                        "segments": [[s.start, s.end] for s in segments(a.text)],
                        "spans": [[label, s.start, s.end] for label, s in a.labels]})
        return out

    data = {}
    for taxonomy, train, test in (("semeval2020", "ptc-train", "ptc-dev"), ("semeval2023", "st3-train", "ct24-test")):
        held = set(ptc.split(ptc.load(train))[1])
        data[taxonomy] = {"train": articles(train, held), "test": articles(test, set()), "test_name": test}
    write("techniques.json.gz", data)


def pack_qevasion(shared: Path) -> None:
    from parley_lab.qevasion import load_split, pairs_of

    train = load_split(shared, "train")
    held = qevasion_held_interviews(train)
    rows = {"train": [], "test": []}
    for split, data in (("train", train), ("test", load_split(shared, "test"))):
        for row, (q, a) in zip(data, pairs_of(data)):
            rows[split].append({
                "q": q, "a": a, "clarity": row["clarity_label"], "evasion": row.get("evasion_label") or "",
                "annotators": [row[k] for k in ("annotator1", "annotator2", "annotator3") if row.get(k)],
                "held": split == "train" and interview_of(row) in held,
            })
    write("qevasion.json.gz", rows)


def pack_checkthat(shared: Path) -> None:
    training, held, tests = checkthat_splits(shared)

    def debate(d, is_held: bool) -> dict:
        return {"name": d.name, "held": is_held, "lines": [[line.speaker, line.text, line.label] for line in d.lines]}

    write("checkthat.json.gz", {
        "train": [debate(d, d.name in held) for d in training],
        "test2019": [debate(d, False) for d in tests[2019]],
        "test2020": [debate(d, False) for d in tests[2020]],
    })


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--float32", action="store_true",
                    help="keep the encoder's float32 weights (training here; float16 halves what travels to a GPU machine)")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    pack_encoder(half=not args.float32)
    pack_techniques()
    pack_qevasion(args.shared)
    pack_checkthat(args.shared)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
