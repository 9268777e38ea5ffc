"""Rewrite the error table in README.md from parley.errors.CATALOGUE.

    .venv/bin/python scripts/update_readme_errors.py

tests/test_errors.py fails when a catalogued code is missing from the README.
"""
import re
from pathlib import Path

from parley.errors import CATALOGUE

README = Path(__file__).resolve().parents[1] / "README.md"
table = "| code | meaning |\n|---|---|\n" + "\n".join(f"| {c} | {m} |" for c, m in sorted(CATALOGUE.items()))
text = README.read_text(encoding="utf-8")
text, n = re.subn(r"<!-- errors -->.*?<!-- /errors -->", f"<!-- errors -->\n{table}\n<!-- /errors -->", text, flags=re.S)
if n != 1:
    raise SystemExit("README.md has no <!-- errors --> ... <!-- /errors --> block")
README.write_text(text, encoding="utf-8")
