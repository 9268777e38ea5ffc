"""Renderers: the terminal summary (``text``) and the HTML report (``html``,
drawn from ``templates/``); analysers register their tables in ``table``,
``sections.sections_for`` collects them, ``highlight`` says what is marked."""
