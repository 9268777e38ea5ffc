"""Ingest: bytes, files, folders, HTML and JSONL into immutable Documents."""
from parley.ingest.decode import Decoded, decode, decode_bytes
from parley.ingest.read import (
    DEFAULT_MAX_BYTES, HTML_SUFFIXES, JSONL_SUFFIXES, SUFFIXES, Failure, documents_from_bytes, read_document,
    read_sources, url_documents
)

__all__ = ["DEFAULT_MAX_BYTES", "HTML_SUFFIXES", "JSONL_SUFFIXES", "SUFFIXES", "Decoded", "Failure", "decode",
           "decode_bytes", "documents_from_bytes", "read_document", "read_sources", "url_documents"]
