"""Load the codebook (form fields, choices, vocabularies) from a TOML file."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from curator.core.errors import CuratorError

FIELD_KINDS = {"text", "longtext", "choice", "number", "integer", "terms"}


class CodebookError(CuratorError):
    """The codebook file is unreadable or inconsistent; the message names the place."""


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    # A retired choice is no longer offered for new values, but stays known so the claims that hold
    # it keep a label, pass validation when edited, and export as before.
    retired: bool = False


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: str
    choices: tuple[Choice, ...] = ()
    default: str = ""
    help: str = ""

    def choice_label(self, key: str) -> str:
        """The label of choice `key`, retired or not; the key itself if the field has no such choice."""
        return next((c.label for c in self.choices if c.key == key), key)

    @cached_property
    def active_choices(self) -> tuple[Choice, ...]:
        """The choices offered for new values: every choice that is not retired."""
        return tuple(c for c in self.choices if not c.retired)

    @cached_property
    def choice_keys(self) -> frozenset[str]:
        return frozenset(c.key for c in self.choices)

    @cached_property
    def _choice_by_name(self) -> dict[str, str]:
        names = {c.key.casefold(): c.key for c in self.choices}
        names.update({c.label.casefold(): c.key for c in self.choices})
        return names

    def choice_key_for(self, text: str) -> str | None:
        """The key of the choice `text` names by label or key, in any case; None if none does."""
        return self._choice_by_name.get(text.strip().casefold())


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    any_vocabulary: bool = False


@dataclass(frozen=True)
class CodebookTerm:
    label: str
    identifier: str = ""
    synonyms: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class CodebookVocabulary:
    key: str
    name: str
    roles: tuple[str, ...]
    terms: tuple[CodebookTerm, ...] = ()


@dataclass(frozen=True)
class Codebook:
    version: int
    roles: tuple[Role, ...]
    fields: tuple[FormField, ...]
    vocabularies: tuple[CodebookVocabulary, ...] = field(default=())

    def field(self, key: str) -> FormField:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @cached_property
    def value_fields(self) -> tuple[FormField, ...]:
        """Fields stored as claim columns (everything but term pickers)."""
        return tuple(f for f in self.fields if f.kind != "terms")

    @cached_property
    def term_fields(self) -> tuple[FormField, ...]:
        return tuple(f for f in self.fields if f.kind == "terms")

    def role(self, key: str) -> Role:
        for r in self.roles:
            if r.key == key:
                return r
        raise KeyError(key)


def _text(entry: dict, name: str, where: str, required: bool = True) -> str:
    value = entry.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise CodebookError(f"{where}: '{name}' must be {'a non-empty' if required else 'a'} text")
    return value.strip()


def parse_codebook(data: dict, source: str = "codebook", claim_columns: set[str] | None = None) -> Codebook:
    """Build a Codebook from parsed TOML; `claim_columns` lists the columns value fields may name."""
    roles = []
    for i, entry in enumerate(data.get("role", []), 1):
        where = f"{source}: role #{i}"
        roles.append(
            Role(_text(entry, "key", where), _text(entry, "label", where), bool(entry.get("any_vocabulary", False)))
        )
    role_keys = {r.key for r in roles}
    if len(role_keys) != len(roles):
        raise CodebookError(f"{source}: two roles share a key")

    fields = []
    for i, entry in enumerate(data.get("field", []), 1):
        key = _text(entry, "key", f"{source}: field #{i}")
        where = f"{source}: field '{key}'"
        kind = _text(entry, "kind", where)
        if kind not in FIELD_KINDS:
            raise CodebookError(f"{where}: kind '{kind}' is not one of {', '.join(sorted(FIELD_KINDS))}")
        if kind == "terms" and key not in role_keys:
            raise CodebookError(f"{where}: no role '{key}' is declared for this term field")
        if kind != "terms" and claim_columns is not None and key not in claim_columns:
            raise CodebookError(f"{where}: claims have no column '{key}' (known: {', '.join(sorted(claim_columns))})")
        choices = []
        for j, c in enumerate(entry.get("choices", []), 1):
            at = f"{where} choice #{j}"
            choices.append(Choice(_text(c, "key", at), _text(c, "label", at), bool(c.get("retired", False))))
        if kind == "choice" and all(c.retired for c in choices):
            raise CodebookError(f"{where}: a choice field needs choices (that are not retired)")
        if len({c.key for c in choices}) != len(choices):
            raise CodebookError(f"{where}: two choices share a key")
        default = entry.get("default", "")
        if default and default not in {c.key for c in choices if not c.retired}:
            raise CodebookError(f"{where}: default '{default}' is not one of its choices")
        fields.append(
            FormField(key, _text(entry, "label", where), kind, tuple(choices), default, entry.get("help", ""))
        )
    if len({f.key for f in fields}) != len(fields):
        raise CodebookError(f"{source}: two fields share a key")

    vocabularies = []
    for i, entry in enumerate(data.get("vocabulary", []), 1):
        key = _text(entry, "key", f"{source}: vocabulary #{i}")
        where = f"{source}: vocabulary '{key}'"
        vroles = tuple(entry.get("roles", []))
        unknown = [r for r in vroles if r not in role_keys]
        if unknown:
            raise CodebookError(f"{where}: unknown role(s) {', '.join(unknown)}")
        terms, seen = [], set()
        for j, t in enumerate(entry.get("terms", []), 1):
            label = _text(t, "label", f"{where} term #{j}")
            if label.casefold() in seen:
                raise CodebookError(f"{where}: term '{label}' appears twice")
            seen.add(label.casefold())
            synonyms = t.get("synonyms", [])
            if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
                raise CodebookError(f"{where} term '{label}': synonyms must be a list of texts")
            terms.append(
                CodebookTerm(label, _text(t, "id", where, required=False), tuple(synonyms), t.get("description", ""))
            )
        vocabularies.append(CodebookVocabulary(key, _text(entry, "name", where), vroles, tuple(terms)))
    if len({v.key for v in vocabularies}) != len(vocabularies):
        raise CodebookError(f"{source}: two vocabularies share a key")
    return Codebook(int(data.get("version", 1)), tuple(roles), tuple(fields), tuple(vocabularies))


def with_project_choices(codebook: Codebook, rows: Iterable[tuple[str, str, str, bool]]) -> Codebook:
    """The codebook with each choice field's choices taken from the project.

    `rows` are (field key, choice key, label, retired) in the project's order. A template choice the
    project has no row for is appended (as new codebook terms are added); rows for fields the
    template lacks are ignored, since a field needs a claim column.
    """
    project: dict[str, list[Choice]] = {}
    for field_key, key, label, retired in rows:
        project.setdefault(field_key, []).append(Choice(key, label, bool(retired)))
    fields = []
    for f in codebook.fields:
        own = project.get(f.key)
        if f.kind != "choice" or not own:
            fields.append(f)
            continue
        known = {c.key for c in own}
        fields.append(dataclasses.replace(f, choices=(*own, *(c for c in f.choices if c.key not in known))))
    return dataclasses.replace(codebook, fields=tuple(fields))


def load_codebook(path: Path, claim_columns: set[str] | None = None) -> Codebook:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CodebookError(f"cannot read codebook {path}: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CodebookError(f"codebook {path} is not valid TOML: {exc}") from exc
    return parse_codebook(data, str(path), claim_columns)
