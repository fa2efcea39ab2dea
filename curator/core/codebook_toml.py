"""Write the project's codebook out as TOML, in the template's layout, to share with a team.

`load_codebook` reads the file back to an equal codebook. The standard library reads TOML but
cannot write it, and the layout is small, so it is written here with TOML's basic-string escaping.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from curator.core.codebook import Codebook, CodebookTerm, CodebookVocabulary
from curator.core.errors import CuratorError
from curator.core.models import Term, Vocabulary

if TYPE_CHECKING:
    from curator.core.session import Session

# TOML basic strings allow every character but these, which must be escaped.
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _inline(pairs: list[tuple[str, str]]) -> str:
    return "{ " + ", ".join(f"{k} = {v}" for k, v in pairs) + " }"


def _array(values: list[str]) -> str:
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


def project_codebook(session: Session) -> Codebook:
    """The codebook as the project has it: its choices, and its vocabularies and terms as stored."""
    terms: dict[int, list[CodebookTerm]] = {}
    for vocabulary_id, label, identifier, synonyms, description in (
        Term.select(Term.vocabulary, Term.label, Term.identifier, Term.synonyms, Term.description)
        .order_by(Term.id)  # codebook terms first, in the template's order; later additions after
        .tuples()
    ):
        split = tuple(s for s in (p.strip() for p in synonyms.split(";")) if s)
        terms.setdefault(vocabulary_id, []).append(CodebookTerm(label, identifier, split, description))
    vocabularies = tuple(
        CodebookVocabulary(v.key, v.name, tuple(v.roles.split()), tuple(terms.get(v.id, ())))
        for v in Vocabulary.select().order_by(Vocabulary.id)
    )
    return replace(session.codebook, vocabularies=vocabularies)


def dumps_codebook(codebook: Codebook, heading: str = "") -> str:
    lines = [f"# {line}".rstrip() for line in heading.splitlines()]
    lines += ["", f"version = {codebook.version}"]
    for role in codebook.roles:
        lines += ["", "[[role]]", f"key = {toml_string(role.key)}", f"label = {toml_string(role.label)}"]
        if role.any_vocabulary:
            lines.append("any_vocabulary = true")
    for f in codebook.fields:
        lines += ["", "[[field]]", f"key = {toml_string(f.key)}", f"label = {toml_string(f.label)}"]
        lines.append(f"kind = {toml_string(f.kind)}")
        if f.help:
            lines.append(f"help = {toml_string(f.help)}")
        if f.default:
            lines.append(f"default = {toml_string(f.default)}")
        if f.choices:
            lines.append("choices = [")
            for c in f.choices:
                pairs = [("key", toml_string(c.key)), ("label", toml_string(c.label))]
                # kept, marked, so claims holding it still read back with their label
                pairs += [("retired", "true")] if c.retired else []
                lines.append(f"  {_inline(pairs)},")
            lines.append("]")
    for v in codebook.vocabularies:
        lines += ["", "[[vocabulary]]", f"key = {toml_string(v.key)}", f"name = {toml_string(v.name)}"]
        lines += [f"roles = {_array(list(v.roles))}", "terms = ["]
        for t in v.terms:
            pairs = [("label", toml_string(t.label)), ("id", toml_string(t.identifier))]
            if t.synonyms:
                pairs.append(("synonyms", _array(list(t.synonyms))))
            if t.description:
                pairs.append(("description", toml_string(t.description)))
            lines.append(f"  {_inline(pairs)},")
        lines.append("]")
    return "\n".join(lines).lstrip("\n") + "\n"


@dataclass(frozen=True)
class CodebookExport:
    path: Path
    fields: int
    vocabularies: int
    terms: int


def export_codebook(session: Session, path: Path | str) -> CodebookExport:
    """Write the project's codebook to `path` whole or not at all (temporary file, then rename)."""
    path = Path(path)
    codebook = project_codebook(session)
    heading = (
        "Curator codebook, written from a project. Start a new project from it by using it as\n"
        "resources/codebook.toml (or set CURATOR_RESOURCES to the folder that holds it)."
    )
    text = dumps_codebook(codebook, heading)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise CuratorError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CuratorError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return CodebookExport(
        path, len(codebook.fields), len(codebook.vocabularies), sum(len(v.terms) for v in codebook.vocabularies)
    )
