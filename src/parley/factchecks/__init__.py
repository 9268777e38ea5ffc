"""Fact-checks: schema.org ClaimReview records, read from files into the store.

``read_factchecks(path)`` (``parse.py``) reads JSON-LD, data feeds, JSONL and
HTML pages with embedded JSON-LD into ``FactCheck`` records (``record.py``),
each with a normalised verdict (``ratings.py``). ``parley factchecks import``
stores them (``Store.put_factchecks``). See docs/factchecks.md.
"""
from parley.factchecks.parse import (  # noqa: F401
    DEFAULT_MAX_BYTES, Parsed, Problem, factcheck_files, parse_factchecks, read_factchecks
)
from parley.factchecks.ratings import VERDICTS, normalise_rating  # noqa: F401
from parley.factchecks.record import FactCheck, from_claimreview  # noqa: F401
