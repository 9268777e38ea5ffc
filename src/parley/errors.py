"""Every error Parley reports, coded so that a user can search for it.

Code raises ``ParleyError`` subclasses with a code from the tables below; the
CLI prints ``error: [E101] ...`` and exits non-zero. Codes are stable: add new
ones, never renumber.
"""
from __future__ import annotations


class ParleyError(Exception):
    """Base of every error Parley raises on purpose."""

    code = "E000"
    exit_code = 1

    def __init__(self, message: str, *, code: str | None = None, path: str | None = None):
        self.message = message
        self.path = path
        if code is not None:
            self.code = code
        super().__init__(self.format())

    def format(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"[{self.code}] {where}{self.message}"


class InputError(ParleyError):
    """The input cannot be read as a transcript."""

    code = "E100"
    exit_code = 2


class SpanError(ParleyError, ValueError):
    """A span does not fit the text it claims to point into."""

    code = "E200"


class PipelineError(ParleyError):
    """The pipeline cannot be built as asked (unknown analyser, bad order, bad option)."""

    code = "E300"
    exit_code = 2


class ModelUnavailable(ParleyError):
    """An analyser needs a model or package that is not installed."""

    code = "E400"


class GoldError(ParleyError):
    """A gold annotation file is missing, unreadable or malformed."""

    code = "E500"
    exit_code = 2


class StoreError(ParleyError):
    """The corpus store cannot be opened or written."""

    code = "E600"


class FactCheckError(ParleyError):
    """A fact-check file or record cannot be imported."""

    code = "E800"
    exit_code = 2


class CorrectionError(ParleyError):
    """A correction of a finding cannot be made (bad layer, action, target, record or span)."""

    code = "E820"
    exit_code = 2


class SourceError(ParleyError):
    """A URL, feed or saved search cannot be used (``parley ingest URL``, ``watch``, ``alerts``)."""

    code = "E830"


class ExchangeImportError(ParleyError):
    """Annotations from another tool cannot be imported (``parley import``)."""

    code = "E880"
    exit_code = 2


class CorpusError(ParleyError):
    """A talking point or attribution check request cannot be answered."""

    code = "E850"
    exit_code = 2


# The catalogue: code -> what it means. Tests check that every code raised in
# the package is listed here, so the README's table cannot drift.
CATALOGUE = {
    "E000": "error without a more specific code",
    "E100": "input error",
    "E101": "path does not exist",
    "E102": "file is empty or holds only whitespace",
    "E103": "file looks binary, not text",
    "E104": "bytes cannot be decoded in any supported encoding",
    "E105": "file is larger than the size limit (--max-bytes)",
    "E106": "folder holds no transcripts",
    "E107": "HTML holds no main text that could be extracted",
    "E108": "a JSONL line is not a JSON object with a non-empty 'text'",
    "E109": "unsupported or unreadable input",
    "E110": "alias table is unreadable or a row is malformed (alias, id, name, type)",
    "E200": "span does not fit its text",
    "E300": "pipeline cannot be built",
    "E301": "unknown analyser",
    "E302": "an analyser's required layer is not assigned before it",
    "E303": "bad analyser option (unknown analyser or option name, or a value of the wrong type)",
    "E400": "model or optional package not installed",
    "E401": "a model or data file shipped with Parley is missing or malformed",
    "E410": "encoder runtime onnx or onnx-int8 cannot run (the onnx extra is missing, or the ONNX export failed)",
    "E411": "unknown encoder runtime (encoder.runtime or PARLEY_ENCODER_RUNTIME is not torch, onnx or onnx-int8)",
    "E500": "gold file error",
    "E600": "store error",
    "E601": "unsupported database URL",
    "E602": "database cannot be opened or reached",
    "E603": "no stored document or entity matches",
    "E604": "reference matches several stored documents",
    "E605": "unknown search layer or export format",
    "E606": "search query holds no words",
    "E607": "database write failed",
    "E608": "database schema is newer than this Parley",
    "E609": "stored analysis is damaged",
    "E610": "bad filter value (dates must be YYYY-MM-DD)",
    "E611": "analysis of a document failed unexpectedly",
    "E612": "a worker process died while analysing a document",
    "E613": "cannot connect to the Ray cluster at --ray-address (or its token is missing or wrong)",
    "E700": "service error (an unexpected failure while answering a request)",
    "E701": "token missing or wrong (set Authorization: Bearer PARLEY_TOKEN)",
    "E702": "writes are disabled: the server has no PARLEY_TOKEN",
    "E703": "no such page, document or entity",
    "E704": "request parameters are invalid",
    "E705": "search took longer than its time limit",
    "E706": "upload is larger than the size limit",
    "E707": "upload holds no readable transcript",
    "E708": "method not allowed on this path",
    "E709": "a service setting is invalid",
    "E800": "fact-check import error",
    "E801": "a fact-check record is malformed (no claimReviewed, a rating that is not a number, a wrong type)",
    "E802": "a file holds no ClaimReview (JSON without one, HTML without ClaimReview JSON-LD)",
    "E803": "fact-check file is larger than the size limit (--max-bytes)",
    "E804": "fact-check file or JSON-LD block is not valid JSON",
    "E805": "unsupported fact-check file type (not .json, .jsonld, .jsonl, .html or .htm)",
    "E806": "no stored fact-check matches the key",
    "E807": "a claims match queries line is not id, tab, text (or neither TEXT nor --file given)",
    "E808": "POST /api/factchecks: the body holds no readable ClaimReview",
    "E820": "correction error",
    "E821": "a correction names an unknown layer",
    "E822": "a correction names an unknown action (accept, reject, edit, add)",
    "E823": "a correction's target is not a finding of the document (see the finding keys)",
    "E824": "a corrected record is malformed (an unknown or missing field, a wrong type, a bad value)",
    "E825": "a corrected span does not fit the document's text",
    "E826": "a correction request is malformed (not a JSON object, no author, target missing or not allowed)",
    "E827": "the store holds no corrected document to evaluate",
    "E830": "URL, feed or saved-search error",
    "E831": "URL is not http:// or https:// or has no host",
    "E832": "URL host is not a public address (private, loopback, link-local, reserved...): refused before any connection",
    "E833": "URL host name cannot be resolved",
    "E834": "fetched response is larger than the size limit (--max-bytes)",
    "E835": "fetch timed out",
    "E836": "server answered an HTTP error status",
    "E837": "too many redirects, or a redirect without a Location",
    "E838": "fetched content is not text (not text/*, HTML, XML or JSON)",
    "E839": "connection to the URL's server failed",
    "E840": "feed cannot be parsed as RSS or Atom",
    "E841": "no saved search has that name, or the name or filters are invalid",
    "E842": "watch interval is not a duration like 30m, 1h or 1d",
    "E870": "claims option checkworthy_share is not in (0, 1]",
    "E880": "annotation import error",
    "E881": "an annotation file is malformed (not JSON or XMI, not the format named, a region without its Parley id)",
    "E882": "no stored document matches the imported annotations (by text hash, hash or doc_id)",
    "E883": "the imported annotations hold another text than the stored document",
    "E884": "an imported span runs past the text or does not hold its quoted text",
    "E885": "the import path holds no annotations of the format named",
    "E850": "talking points or attribution checks error",
    "E851": "no talking point with that id",
    "E852": "bad talking-point option (--min-docs must be at least 1)",
    "E853": "unknown attribution-check label",
    "E890": "bad shifts or dossier option (the minimum confidence must be a number from 0 to 1)",
    "E999": "unexpected internal error (a bug: please report it with PARLEY_DEBUG=1 output)",
}
