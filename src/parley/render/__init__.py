"""Renderers: terminal summary, HTML report, and the sections layers add to them."""
