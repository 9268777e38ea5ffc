"""The sections an analysis shows: ``sections_for(analysis)``.

Analysers register their sections in ``render.table`` and never import this
module, which loads them (through the pipeline's registry) before it looks.
"""
from __future__ import annotations

from parley.document import Analysis
from parley.pipeline.registry import load_analysers
from parley.render.table import SECTIONS, Section

__all__ = ["sections_for"]


def sections_for(analysis: Analysis) -> list[Section]:
    """The registered sections with a layer present in ``analysis``, in order."""
    load_analysers()  # analyser modules register their sections on import
    return sorted(
        (s for s in SECTIONS.values() if any(layer in analysis for layer in s.layers)),
        key=lambda s: (s.order, s.key),
    )
