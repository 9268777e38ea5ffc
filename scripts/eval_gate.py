#!/usr/bin/env python3
"""Check ``parley evaluate`` against tests/eval_floors.json, or reset the floors.

    .venv/bin/python scripts/eval_gate.py [--gold ../shared/gold]
    .venv/bin/python scripts/eval_gate.py --update [--allow-lower]

Without --update: runs the evaluation once and prints every figure under its
floor (exit 1), or "eval gate: ok". With --update: rewrites the floors at the
figures of a fresh run (cut at the 4th decimal) and the sha256 of the gold
files; a floor is never lowered unless --allow-lower is given, and then each
one lowered is printed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from parley_lab import eval_gate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=eval_gate.GOLD, help="gold folder (default ../shared/gold)")
    ap.add_argument("--floors", type=Path, default=eval_gate.FLOORS, help="floors file (default tests/eval_floors.json)")
    ap.add_argument("--update", action="store_true", help="rewrite the floors from a fresh run")
    ap.add_argument("--allow-lower", action="store_true", help="with --update: allow floors to go down")
    args = ap.parse_args(argv)
    results = eval_gate.run_evaluation(args.gold)
    if not args.update:
        problems = eval_gate.check(eval_gate.read_floors(args.floors), results, args.gold)
        print("\n".join(problems) if problems else "eval gate: ok")
        return 1 if problems else 0
    old = eval_gate.read_floors(args.floors) if args.floors.exists() else None
    try:
        new, lowered = eval_gate.updated(old, results, args.gold, args.allow_lower)
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    eval_gate.write_floors(new, args.floors)
    for line in lowered:
        print(f"lowered: {line}")
    count = sum(len(e["floors"]) for e in new["gold"].values())
    print(f"wrote {count} floors for {len(new['gold'])} gold files to {args.floors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
