"""The public API at the package root: parley.analyze, read_document, open_store."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

import parley

ROOT = Path(__file__).resolve().parents[1]


def test_importing_parley_loads_nothing_heavy():
    code = ("import sys, parley; heavy = [m for m in ('spacy', 'parley.pipeline', 'parley.store', 'numpy') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_public_names_are_the_library_functions():
    from parley.ingest.read import read_document
    from parley.pipeline.run import analyze
    from parley.store import open_store

    assert parley.analyze is analyze
    assert parley.read_document is read_document
    assert parley.open_store is open_store
    assert {"analyze", "read_document", "open_store", "__version__"} <= set(dir(parley))
    assert set(parley.__all__) == {"analyze", "read_document", "open_store", "__version__"}


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'analyse'"):
        parley.analyse  # noqa: B018  (the British spelling is not an alias)


def test_read_analyze_and_store_through_the_root(tmp_path):
    from parley.pipeline import build_pipeline

    analysis = parley.analyze(parley.read_document(str(ROOT / "examples" / "sample-interview.txt")),
                              build_pipeline(only=["structure"]))
    kinds = {t.kind for t in analysis.layer("turns")}
    assert {"question", "answer"} <= kinds
    store = parley.open_store(str(tmp_path / "corpus.db"))
    try:
        store.put_analysis(analysis, "test")
        assert store.count() == 1
    finally:
        store.close()


@pytest.mark.slow
def test_the_readme_python_example_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Python\n\n```python\n(.*?)\n```", readme, re.S).group(1)
    out = subprocess.run([sys.executable, "-c", block], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip(), "the example prints the turns"
