"""The harness every benchmark in ``benchmarks/`` runs on.

A benchmark declares three things and hands them to :func:`run`:

- its **systems** (:class:`System`): Parley, the peers it is compared with, the
  floor ``nothing`` (predicts nothing, see :func:`nothing`) and, where one
  exists, a ceiling (gold fed back, or the best published figure, marked as
  such in its ``note``); for a speed benchmark the systems are configurations;
- its **data sets** (:class:`Dataset`): the items, and the files they were read
  from (their sha256 goes into the report);
- its **measures** (:class:`Measure`) and the function that scores a system's
  predictions on one data set.

The harness runs each system on each item of each data set. A system that
raises on an item is counted as predicting nothing there (the benchmark's
``miss``), and the item is counted in the ``err`` column. The report records
the package versions (``importlib.metadata``) and the sha256 of every data
file, prints one table, and :func:`finish` writes ``<bench>.json`` and
``<bench>.md`` under ``--out`` (default ``out/bench/``, git-ignored).
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "out" / "bench"
NOT_INSTALLED = "not installed"


@dataclass
class System:
    """One row of the table: something that predicts, item by item.

    ``role`` is ``parley``, ``peer``, ``baseline``, ``floor`` or ``ceiling``.
    ``missing`` says why the system cannot run here (e.g. its package is not
    installed); its rows then carry that note and no figures. ``datasets``
    restricts it to the data sets named (all when empty). ``prepare`` is
    called once per data set before its first item (e.g. to embed them all at
    once); a crash there counts every item of the data set as a miss.
    ``published`` ({data set: {measure: value}}) makes a row of figures taken
    from the literature, not run here (say so in ``note``).
    """

    name: str
    predict: Callable[[Any], Any]
    role: str = "parley"
    note: str = ""
    missing: str | None = None
    datasets: tuple[str, ...] = ()
    prepare: Callable[["Dataset"], None] | None = None
    published: dict[str, dict[str, float]] | None = None

    def runs_on(self, dataset: "Dataset") -> bool:
        return not self.datasets or dataset.name in self.datasets


@dataclass
class Dataset:
    """Items to predict on, and the files (or folders of files) they come from."""

    name: str
    items: Sequence[Any]
    files: Sequence[Path] = ()


@dataclass
class Measure:
    """A column: ``key`` in the scores, ``label`` in the table, a format spec."""

    key: str
    label: str
    fmt: str = ".3f"

    def show(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return format(value, self.fmt)
        return str(value)


@dataclass
class Benchmark:
    """What :func:`run` needs; ``score(dataset, predictions)`` returns the
    measures of one system on one data set (predictions in item order, misses
    included). ``derive(dataset_name, {system: measures})``, when given, fills
    measures that compare rows (a ratio to a reference configuration)."""

    name: str
    systems: Sequence[System]
    datasets: Sequence[Dataset]
    measures: Sequence[Measure]
    score: Callable[[Dataset, list[Any]], dict[str, Any]]
    miss: Callable[[Any], Any] = field(default=lambda item: [])
    packages: Sequence[str] = ("parley",)
    files: Sequence[Path] = ()
    derive: Callable[[str, dict[str, dict[str, Any]]], None] | None = None


@dataclass
class Row:
    dataset: str
    system: str
    role: str
    note: str
    items: int
    errors: int
    seconds: float
    measures: dict[str, Any]
    first_error: str = ""


@dataclass
class Report:
    benchmark: str
    started: str
    argv: list[str]
    versions: dict[str, str]
    files: dict[str, str]
    measures: list[dict[str, str]]
    rows: list[Row] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)

    def note(self, text: str, **figures: Any) -> None:
        """A line printed under the table (its figures kept in the JSON too)."""
        self.notes.append({"text": text, "figures": figures})

    def row(self, dataset: str, system: str) -> Row:
        return next(r for r in self.rows if r.dataset == dataset and r.system == system)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def nothing(prediction: Callable[[Any], Any] = lambda item: []) -> System:
    """The floor: a system that predicts nothing on every item."""
    return System("nothing", prediction, role="floor", note="predicts nothing")


def versions(packages: Iterable[str]) -> dict[str, str]:
    """The installed version of each package (``not installed`` when absent)."""
    out = {}
    for package in packages:
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = NOT_INSTALLED
    return out


def gold_scorer(shared: Path) -> Any:
    """``../shared/gold/score.py``, the reference scorer, loaded as a module."""
    spec = importlib.util.spec_from_file_location("gold_score", Path(shared) / "gold" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_digests(paths: Iterable[Path]) -> dict[str, str]:
    """sha256 of every file named, folders expanded to the files under them."""
    out: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for p in found:
            if str(p) not in out and p.is_file():
                out[str(p)] = sha256_of(p)
    return out


def run_system(system: System, dataset: Dataset, miss: Callable[[Any], Any]) -> tuple[list[Any], int, str]:
    """The predictions of one system on one data set, how many items it
    crashed on (each such item gets ``miss(item)``), and the first crash."""
    if system.prepare is not None:
        try:
            system.prepare(dataset)
        except Exception as e:  # noqa: BLE001 - a system that cannot start misses everything
            return [miss(item) for item in dataset.items], len(dataset.items), f"{type(e).__name__}: {e}"
    predictions, errors, first = [], 0, ""
    for item in dataset.items:
        try:
            predictions.append(system.predict(item))
        except Exception as e:  # noqa: BLE001 - a crash on an item is a miss, counted
            predictions.append(miss(item))
            errors += 1
            first = first or f"{type(e).__name__}: {e}"
    return predictions, errors, first


def run(bench: Benchmark, argv: Sequence[str] | None = None) -> Report:
    """Every system on every data set; the report, not yet printed."""
    report = Report(
        benchmark=bench.name, started=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        argv=list(sys.argv[1:] if argv is None else argv), versions=versions(bench.packages),
        files=file_digests([*bench.files, *(f for d in bench.datasets for f in d.files)]),
        measures=[{"key": m.key, "label": m.label} for m in bench.measures])
    for dataset in bench.datasets:
        scores: dict[str, dict[str, Any]] = {}
        for system in bench.systems:
            if not system.runs_on(dataset):
                continue
            row = Row(dataset.name, system.name, system.role, system.note, len(dataset.items), 0, 0.0, {})
            report.rows.append(row)
            if system.missing:
                row.note = system.missing
                continue
            if system.published is not None:
                row.measures = dict(system.published.get(dataset.name, {}))
                continue
            started = time.perf_counter()
            predictions, row.errors, row.first_error = run_system(system, dataset, bench.miss)
            row.measures = dict(bench.score(dataset, predictions))
            row.seconds = time.perf_counter() - started
            row.measures.setdefault("seconds", row.seconds)
            scores[system.name] = row.measures
        if bench.derive is not None:
            bench.derive(dataset.name, scores)
    return report


# -- output ---------------------------------------------------------------------

def table(report: Report, measures: Sequence[Measure]) -> tuple[list[str], list[list[str]]]:
    """Header and cells: data set, system, the measures, errors."""
    header = ["dataset", "system", *(m.label for m in measures), "err"]
    cells = []
    for r in report.rows:
        if not r.measures and r.note:
            figures = [r.note] + [""] * (len(measures) - 1)
            cells.append([r.dataset, r.system, *figures, ""])
            continue
        cells.append([r.dataset, r.system, *(m.show(r.measures.get(m.key)) for m in measures), str(r.errors)])
    return header, cells


def as_text(report: Report, measures: Sequence[Measure]) -> str:
    header, cells = table(report, measures)
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    out = [f"{report.benchmark}: " + ", ".join(f"{k} {v}" for k, v in report.versions.items()),
           line(header), *(line(c) for c in cells)]
    out += [n["text"] for n in report.notes]
    out += [f"{r.system} on {r.dataset}: {r.errors} item(s) crashed, the first with {r.first_error[:300]}"
            for r in report.rows if r.errors]
    out.append(f"data: {len(report.files)} files hashed (sha256 in the JSON report)")
    return "\n".join(out)


def as_markdown(report: Report, measures: Sequence[Measure]) -> str:
    header, cells = table(report, measures)
    out = [f"# {report.benchmark}", "", f"Run {report.started}; arguments: `{' '.join(report.argv) or '(none)'}`", "",
           "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
    roles = {r.system: (r.role, r.note) for r in report.rows}
    out += ["", "| system | role | note |", "|---|---|---|"]
    out += [f"| {name} | {role} | {note} |" for name, (role, note) in roles.items()]
    if report.notes:
        out += [""] + [f"- {n['text']}" for n in report.notes]
    out += ["", "## Versions", ""] + [f"- {k} {v}" for k, v in report.versions.items()]
    out += ["", "## Data files (sha256)", "", "| file | sha256 |", "|---|---|"]
    out += [f"| {path} | `{digest}` |" for path, digest in report.files.items()]
    return "\n".join(out) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark takes."""
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"folder for <bench>.json and <bench>.md (default {DEFAULT_OUT.relative_to(ROOT)})")


def finish(bench: Benchmark, report: Report, out: Path | None, show: bool = True) -> Path | None:
    """Print the table and write the JSON and Markdown reports under ``out``."""
    measures = bench.measures
    if show:
        print(as_text(report, measures))
    if out is None:
        return None
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{report.benchmark}.json").write_text(json.dumps(report.to_json(), indent=1, default=str) + "\n",
                                                  encoding="utf-8")
    (out / f"{report.benchmark}.md").write_text(as_markdown(report, measures), encoding="utf-8")
    return out
