"""``parley export --format label-studio|web-annotation|uima-xmi``: stored analyses
in an annotation tool's format (parley/exchange/, docs/exchange.md)."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Iterable

from parley.document import Analysis
from parley.exchange import FORMATS, render
from parley.files import write_atomic


def export_exchange(analyses: Iterable[dict[str, Any]], fmt: str, output: str | None) -> int:
    """Write the stored analyses: one tasks JSON (label-studio; a file or stdout)
    or one file per document in the folder ``output``."""
    if fmt == "label-studio":
        from parley.exchange.labelstudio import to_label_studio

        tasks = [to_label_studio(Analysis.from_json(data)) for data in analyses]
        text = json.dumps(tasks, ensure_ascii=False, indent=1) + "\n"
        if output:
            write_atomic(output, text)
        else:
            sys.stdout.write(text)
        return 0
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "uima-xmi":
        from parley.exchange.uima import type_system

        write_atomic(folder / "TypeSystem.xml", type_system().to_xml())
    seen: dict[str, int] = {}
    for data in analyses:
        analysis = Analysis.from_json(data)
        doc_id = re.sub(r"[^\w.-]", "_", analysis.document.doc_id)  # no folders or odd names
        n = seen.get(doc_id, 0)
        seen[doc_id] = n + 1
        write_atomic(folder / (doc_id + (f"-{n + 1}" if n else "") + FORMATS[fmt]), render(analysis, fmt))
    return 0
