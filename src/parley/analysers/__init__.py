"""Analysers, one per module; each registers itself with parley.pipeline on import."""
