import re
from pathlib import Path

from parley.errors import CATALOGUE

SRC = Path(__file__).resolve().parents[1] / "src" / "parley"
README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_code_used_in_the_package_is_in_the_catalogue():
    used = set()
    for path in SRC.rglob("*.py"):
        used.update(re.findall(r"""["'\[](E\d{3})["'\]]""", path.read_text(encoding="utf-8")))
    assert used, "no codes found: the pattern is wrong"
    assert used <= set(CATALOGUE), sorted(used - set(CATALOGUE))


def test_every_catalogued_code_is_documented_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    missing = [code for code in CATALOGUE if code not in readme]
    assert not missing, missing
