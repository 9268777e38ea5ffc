"""The document model: spans, documents, analyses, layer records, gold JSON."""
from parley.document.model import METADATA_FIELDS, Analysis, Document, Metadata, text_hash
from parley.document.spans import Span, iter_spans

__all__ = ["METADATA_FIELDS", "Analysis", "Document", "Metadata", "Span", "iter_spans", "text_hash"]
