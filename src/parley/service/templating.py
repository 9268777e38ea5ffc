"""Where the service's pages and static files live, and the environment that
draws the pages; ``app`` and ``pages`` both import it.

The environment finds the service's templates first, then the render
templates, so ``document.html`` imports the highlight macros of the HTML
report (``highlight.html``): the page and the report share one markup.
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from parley import __version__
from parley.render.templating import environment as render_environment

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def environment() -> jinja2.Environment:
    """The autoescaping Jinja2 environment of the pages (``version`` is a global)."""
    env = render_environment(jinja2.FileSystemLoader(TEMPLATES))
    env.globals["version"] = __version__
    return env
