"""The pipeline: the analyser registry, the one spaCy parse, and ``analyze``."""
from parley.pipeline.registry import REGISTRY, Analyser, Config, analyser, load_analysers
from parley.pipeline.run import analyze, build_pipeline, pipeline_version

__all__ = ["REGISTRY", "Analyser", "Config", "analyser", "analyze", "build_pipeline", "load_analysers", "pipeline_version"]
