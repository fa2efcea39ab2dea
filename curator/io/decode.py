"""Bytes to text, never by guessing: a BOM is honoured, strict UTF-8 is tried, and anything else
needs the reviewer to confirm an encoding (after a preview). Newlines are normalised here, once.

charset-normalizer guessed cp1250 for cp1252 text ("crème" → "crčme"), so no guesser is used
(../shared/notes/reliability.md).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from curator.core.errors import CuratorError, ValidationError

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16 (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16 (BOM)"),
)
# What a reviewer is offered when a file is not UTF-8, most likely first for Western sources.
CANDIDATE_ENCODINGS = ("cp1252", "latin-1", "cp1250", "mac_roman", "cp437")


class EncodingNeeded(CuratorError):
    """The file is not UTF-8 and has no BOM: the reviewer must say which encoding it uses."""

    def __init__(self, name: str, raw: bytes):
        self.name, self.raw = name, raw
        try:
            raw.decode("utf-8")
            bad = 0
        except UnicodeDecodeError as exc:
            bad = exc.start
        super().__init__(
            f"{name} is not UTF-8 (first odd byte at {bad}). Tell Curator its encoding "
            f"(e.g. --encoding cp1252); it is recorded with the document."
        )

    def previews(self, width: int = 80) -> dict[str, str]:
        """A line of the file around the first non-ASCII byte, decoded each candidate way."""
        at = next((i for i, b in enumerate(self.raw) if b > 0x7F), 0)
        start = max(self.raw.rfind(b"\n", 0, at) + 1, at - width // 2)
        chunk = self.raw[start : start + width]
        return {enc: chunk.decode(enc, errors="replace").split("\n")[0] for enc in CANDIDATE_ENCODINGS}


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # what was used, as it is recorded


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(raw: bytes, name: str, encoding: str | None = None) -> Decoded:
    for bom, codec, label in BOMS:
        if raw.startswith(bom):
            try:
                return Decoded(normalise_newlines(raw.decode(codec)), label)
            except UnicodeDecodeError as exc:
                raise ValidationError(
                    f"{name}: starts with a {label} mark but byte {exc.start} is not {label}"
                ) from None
    if b"\x00" in raw:
        raise ValidationError(f"{name}: contains NUL bytes — this looks like a binary file, not text")
    try:
        return Decoded(normalise_newlines(raw.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    if not encoding:
        raise EncodingNeeded(name, raw)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValidationError(f"{name}: '{encoding}' is not an encoding Python knows (try cp1252 or latin-1)") from None
    try:
        return Decoded(normalise_newlines(raw.decode(encoding)), codecs.lookup(encoding).name)
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{name}: byte {exc.start} is not valid {encoding}; try another encoding") from None
