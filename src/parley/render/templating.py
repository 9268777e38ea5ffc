"""The Jinja2 environments that draw HTML: every one autoescapes.

The report's templates (``report.html``, and ``highlight.html`` with the
highlight macros the service's document page imports too) are package data
of ``parley.render``. ``environment(...)`` puts other loaders first, so the
service finds its own pages and these macros in one environment.
"""
from __future__ import annotations

from functools import lru_cache

import jinja2


def loader() -> jinja2.BaseLoader:
    """The templates under ``parley/render/templates``."""
    return jinja2.PackageLoader("parley.render", "templates")


def environment(*first: jinja2.BaseLoader) -> jinja2.Environment:
    """An autoescaping environment over ``first`` then the render templates.

    Autoescape is on for every template whatever its name: transcript text
    is never markup.
    """
    return jinja2.Environment(loader=jinja2.ChoiceLoader([*first, loader()]), autoescape=True)


@lru_cache(maxsize=1)
def report_environment() -> jinja2.Environment:
    """The environment of the HTML report, built once."""
    return environment()
