"""Match the terms a spreadsheet names to vocabulary terms: by label, synonym or identifier, any case."""

from __future__ import annotations

from curator.core.records import TermInfo, TermRef
from curator.core.session import Session

# What a written name may match, best first: a label beats a synonym beats an identifier.
_LABEL, _SYNONYM, _IDENTIFIER = 0, 1, 2


class TermMatcher:
    def __init__(self, session: Session, add_unknown: bool):
        self.session = session
        self.add_unknown = add_unknown
        self.roles = [f.key for f in session.codebook.term_fields]
        self.role_labels = {r.key: r.label for r in session.codebook.roles}
        self.index: dict[str, dict[str, dict[int, list[TermInfo]]]] = {}
        for role, terms in session.terms.by_role(self.roles).items():
            keys: dict[str, dict[int, list[TermInfo]]] = {}
            for t in terms:
                names = (
                    [(t.label, _LABEL)]
                    + [(s, _SYNONYM) for s in t.synonyms]
                    + ([(t.identifier, _IDENTIFIER)] if t.identifier else [])
                )
                for name, rank in names:
                    keys.setdefault(name.strip().casefold(), {}).setdefault(rank, []).append(t)
            self.index[role] = keys
        self.added: dict[tuple[str, str], str] = {}  # (role, folded label) -> label as first written
        self.ambiguous: dict[tuple[str, str], list[TermInfo]] = {}

    def match(
        self, role: str, name: str, by_identifier_only: bool = False, identifier_hint: str = ""
    ) -> TermRef | None:
        """The term `name` stands for, a new term to be added (if allowed), or None.

        A name found in two vocabularies (Dysbiosis is a condition and a mechanism) is told apart by
        `identifier_hint`, the identifier written beside it; the same label with the same identifier
        in two vocabularies is one concept, and the first vocabulary's term is taken.
        """
        folded = name.strip().casefold()
        ranks = self.index.get(role, {}).get(folded, {})
        if by_identifier_only:
            ranks = {r: ts for r, ts in ranks.items() if r == _IDENTIFIER}
        if ranks:
            best = list({t.id: t for t in ranks[min(ranks)]}.values())
            if len(best) > 1 and identifier_hint:
                best = [t for t in best if t.identifier.casefold() == identifier_hint.strip().casefold()] or best
            if len({(t.label.casefold(), t.identifier.casefold()) for t in best}) == 1:
                t = best[0]
                return TermRef(role, t.label, t.identifier, t.id)
            self.ambiguous[(role, folded)] = best
            return None
        if self.add_unknown and not by_identifier_only:
            label = self.added.setdefault((role, folded), " ".join(name.split()))
            return TermRef(role, label, "", None)
        return None

    def unknown_message(self, role: str, name: str) -> str:
        candidates = self.ambiguous.get((role, name.strip().casefold()))
        if candidates:
            where = "; ".join(f"{t.label} ({t.vocabulary_name})" for t in candidates)
            return f"'{name}' could be any of: {where}; write the label or identifier of the one you mean"
        return (
            f"'{name}' is not in the {self.role_labels.get(role, role)} vocabulary (matched by label, synonym or "
            "identifier); correct it, or choose to add unknown terms to the vocabulary"
        )

    def new_terms(self) -> list[tuple[str, str]]:
        return [(role, label) for (role, _), label in self.added.items()]
