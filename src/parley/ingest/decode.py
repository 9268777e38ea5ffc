"""Bytes to text, once, with the encoding that was used.

The order of the tests:

1. a byte-order mark: UTF-8 (``utf-8-sig``) or UTF-16 (``utf-16``); bytes
   that then do not decode are E104;
2. NUL bytes: UTF-16 without a BOM when the NULs all sit on one side of the
   byte pairs (the high byte of ASCII characters) and the bytes decode as
   UTF-16 LE or BE into characters that are all text (no controls but line
   breaks and tabs); any other NUL makes the input binary (E103);
3. UTF-8;
4. a legacy code page chosen by charset-normalizer among ``LEGACY``
   (cp1252, latin-1, cp1251); equal candidates go to the first of
   ``LEGACY``, and latin-1 becomes cp1252 whenever cp1252 decodes the bytes.

Newlines are then normalised as Python's ``open()`` does (``\\r\\n`` and
``\\r`` become ``\\n``), so offsets agree with ``open(path, encoding=...)``;
empty text is E102 and text full of control characters E103.
"""
from __future__ import annotations

import codecs
import unicodedata
from typing import NamedTuple

from parley.errors import InputError

# Code pages charset-normalizer may choose from, the preferred first (a tie
# goes to the earlier): Western (cp1252, and latin-1 for the five bytes
# cp1252 leaves undefined), then Cyrillic (cp1251).
LEGACY = ("cp1252", "latin_1", "cp1251")
# UTF-16 without a BOM: at least this share of the bytes on the NUL side of
# the pairs are NUL (ASCII spaces and punctuation, even in Cyrillic text)...
UTF16_MIN_NUL_SHARE = 0.1
# ...and the other side holds at most this many NULs per NUL of that side
# (U+0100, U+3000, U+4E00 and a few others have a NUL low byte).
UTF16_MAX_STRAY_NULS = 0.05
# Control characters a text may hold: newline, tab, form feed, vertical tab.
ALLOWED_CONTROLS = "\n\t\f\v"
# Unicode categories that UTF-16 read without a BOM must not give: control,
# private use, unassigned.
NOT_TEXT = {"Cc", "Co", "Cn"}


class Decoded(NamedTuple):
    """Decoded text and the Python name of the codec that decoded it."""

    text: str
    encoding: str


def decode(data: bytes, source: str = "<bytes>") -> str:
    """Text from bytes, or InputError (empty, binary, undecodable)."""
    return decode_bytes(data, source).text


def decode_bytes(data: bytes, source: str = "<bytes>") -> Decoded:
    """Text from bytes and the encoding it was read with, or InputError."""
    text, encoding = _raw_text(data, source)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("is empty (no text to analyse)", code="E102", path=source)
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS)
    if controls > max(2, len(text) // 100):
        raise InputError(
            f"looks binary: {controls} control characters in {len(text)} characters", code="E103", path=source
        )
    return Decoded(text, codecs.lookup(encoding).name)


def _raw_text(data: bytes, source: str) -> tuple[str, str]:
    """The text before newline normalisation, and its codec name."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig", source), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", source), "utf-16"
    if b"\x00" in data:
        decoded = _utf16_without_bom(data)
        if decoded is None:
            raise InputError("looks like a binary file (it holds NUL bytes), not a text transcript",
                             code="E103", path=source)
        return decoded
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _legacy(data)


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        label = "utf-8" if encoding == "utf-8-sig" else encoding
        raise InputError(f"is marked as {label} but its bytes do not decode: {e.reason} at byte {e.start}",
                         code="E104", path=source) from e


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 LE or BE text when the NULs say so and the bytes decode; else None."""
    if len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    # ASCII "A" is 41 00 in LE (NUL at odd offsets) and 00 41 in BE (even).
    nuls, stray, encoding = (odd, even, "utf-16-le") if odd >= even else (even, odd, "utf-16-be")
    if nuls < UTF16_MIN_NUL_SHARE * (len(data) // 2) or stray > UTF16_MAX_STRAY_NULS * nuls:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:  # lone surrogates: not UTF-16 after all
        return None
    # Binary data can decode too; text holds no control characters (but
    # line breaks and tabs), private-use or unassigned code points.
    if any(unicodedata.category(ch) in NOT_TEXT and ch not in ALLOWED_CONTROLS + "\r" for ch in text):
        return None
    return text, encoding


def _legacy(data: bytes) -> tuple[str, str]:
    """Non-UTF-8 bytes in the code page of ``LEGACY`` that charset-normalizer
    finds least messy and most coherent (ties: the earliest of ``LEGACY``)."""
    from charset_normalizer import from_bytes

    # preemptive_behaviour=False: a charset named inside the text (an HTML
    # <meta charset>) is not tried first; the bytes alone decide, as before.
    matches = from_bytes(data, cp_isolation=list(LEGACY), preemptive_behaviour=False)
    best = matches.best()
    if best is None:
        encoding = "latin_1"  # nothing reads as text: the control test judges
    else:
        # A match lists every code page that gives the same text
        # (could_be_from_charset); the matches equal to the best are ties.
        tied = {name for m in matches if not best < m for name in m.could_be_from_charset}
        encoding = next((name for name in LEGACY if name in tied), best.encoding)
    # latin-1 reads 0x80-0x9F as C1 control characters, never meant in a
    # transcript; its Windows superset cp1252 reads them as quotes and dashes.
    # (charset-normalizer can prefer latin-1 when cp1252 gives the same text
    # as cp1251, which it then scores for Cyrillic languages only.)
    if encoding == "latin_1" and _decodes(data, "cp1252"):
        encoding = "cp1252"
    return data.decode(encoding), encoding


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True
