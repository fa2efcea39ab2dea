"""Plan the merge of another reviewer's project into this one (issue 11): what comes in, what
changes, what is left alone and why, and every conflict by claim and field, before anything is written.

Documents are matched by the SHA-256 of their text (or a known earlier version's), terms by
vocabulary and identifier then label, reviewers by name, claims by UUID. Each claim is decided three
ways against the merge base, its digest when the two projects last agreed (this project's MergeBase
row for the other, and the other's row for this one): changed on one side only → that side wins;
on both → a conflict, kept as it is here and listed again at the next merge until `prefer` settles
it. MergeProject (curator.core.merge_apply) writes the plan as one transaction and one undo step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from curator.core.claims import unstorable_text
from curator.core.errors import ValidationError
from curator.core.merge_checks import claim_problem, styles_readable, unstorable_claims, unstorable_document
from curator.core.merge_consensus import Reconciliation, plan_reconciliation
from curator.core.merge_identity import LocalClaim, local_claims, project_uuid
from curator.core.merge_plan import (
    BOTH_EDITED,
    DELETED_HERE,
    DELETED_THERE,
    FIXED_LABELS,
    PREFERENCES,
    ClaimDelete,
    ClaimWrite,
    Conflict,
    MergeError,
    MergePlan,
    Skipped,
    text_of,
)
from curator.core.merge_types import (
    ClaimRow,
    DocumentRow,
    PagesRow,
    ProjectSnapshot,
    TermRow,
    VocabularyRow,
    content_digest,
    content_fields,
    row_content,
)
from curator.core.models import (
    Assignment,
    ClaimTombstone,
    CodebookChoice,
    Document,
    DocumentVersion,
    MergeBase,
    RetiredTerm,
    Reviewer,
    Term,
    Vocabulary,
)

if TYPE_CHECKING:
    from curator.core.session import Session


def _field_diffs(session: Session, mine: dict, theirs: dict) -> tuple[tuple[str, str, str], ...]:
    labels = {f.key: f.label for f in session.codebook.fields}
    return tuple(
        (FIXED_LABELS.get(key) or labels.get(key, key), text_of(mine.get(key)), text_of(theirs.get(key)))
        for key in theirs
        if mine.get(key) != theirs.get(key)
    )


@dataclass
class _Documents:
    """Their documents against ours: state by their sha ("same", "new", or the reason they differ)."""

    state: dict[str, str]
    title: dict[str, str]
    new: list[DocumentRow]


def _match_documents(snapshot: ProjectSnapshot) -> _Documents:
    current = {sha: title for sha, title in Document.select(Document.sha256, Document.title).tuples()}
    older = {
        sha: title
        for sha, title in DocumentVersion.select(DocumentVersion.sha256, Document.title).join(Document).tuples()
    }
    state, titles, new = {}, {}, []
    for d in snapshot.documents:
        titles[d.sha256] = current.get(d.sha256) or older.get(d.sha256) or d.title
        if d.sha256 in current:
            state[d.sha256] = "same"
        elif d.sha256 in older:
            state[d.sha256] = (
                f"this project holds a revised version of the document that {snapshot.name} lacks; "
                f"replace it there with the same version and merge again"
            )
        elif any(v.sha256 in current or v.sha256 in older for v in d.versions):
            state[d.sha256] = (
                f"{snapshot.name} holds a revised version of the document that this project lacks; "
                "replace it here with the same version (Import → Replace with revised version) and merge again"
            )
        elif unstorable_document(d):
            state[d.sha256] = (
                f"the document holds characters no database can store (a NUL or half of a character), or a "
                f"value longer than its column; correct it in {snapshot.name} and merge again"
            )
        else:
            state[d.sha256] = "new"
            new.append(d if styles_readable(d.styles) else d._replace(styles=""))
    return _Documents(state, titles, new)


def _term_key(vocabulary: str, identifier: str, label: str) -> tuple:
    return (vocabulary, identifier) if identifier else (vocabulary, "", label.casefold())


def local_term_index() -> dict[tuple, int]:
    """Term ids by (vocabulary, identifier) and by (vocabulary, "", label casefolded)."""
    index: dict[tuple, int] = {}
    for term_id, key, label, identifier in (
        Term.select(Term.id, Vocabulary.key, Term.label, Term.identifier).join(Vocabulary).order_by(Term.id).tuples()
    ):
        if identifier:
            index.setdefault((key, identifier), term_id)
        index.setdefault((key, "", label.casefold()), term_id)
    return index


def find_term(index: dict[tuple, int], term: TermRow) -> int | None:
    """Identifier first, then label: a term renamed on one side is still the same term."""
    if term.identifier and (term.vocabulary_key, term.identifier) in index:
        return index[(term.vocabulary_key, term.identifier)]
    return index.get((term.vocabulary_key, "", term.label.casefold()))


def _new_terms(snapshot: ProjectSnapshot, used: set) -> tuple[list[VocabularyRow], list[TermRow], list[TermRow]]:
    """(vocabularies to add, terms to add, terms the incoming claims name). A term retired here comes
    back only as its label on the claims that carry it, never into the vocabulary."""
    vocabularies = {k for (k,) in Vocabulary.select(Vocabulary.key).tuples()}
    retired = {
        (k, label.casefold()) for k, label in RetiredTerm.select(RetiredTerm.vocabulary_key, RetiredTerm.label).tuples()
    }
    index = local_term_index()
    new_vocabularies = [v for v in snapshot.vocabularies if v.key not in vocabularies]
    new_terms, seen = [], set()
    for t in snapshot.terms:
        key = _term_key(t.vocabulary_key, t.identifier, t.label)
        if find_term(index, t) is not None or key in seen or unstorable_text(t.label + t.identifier):
            continue
        folded = t.label.casefold()
        if (t.vocabulary_key, folded) in retired or ("*", folded) in retired:
            continue
        seen.add(key)
        seen.add((t.vocabulary_key, "", folded))
        new_terms.append(t)
    named = [t for t in snapshot.terms if t.id in used]
    return new_vocabularies, new_terms, named


def plan_merge(session: Session, snapshot: ProjectSnapshot, prefer: str | None = None) -> MergePlan:
    """What merging `snapshot` into the session's project would do; writes nothing."""
    if prefer not in PREFERENCES:
        raise ValidationError(f"--prefer: '{prefer}' is neither mine nor theirs")
    here = project_uuid()
    if snapshot.project_uuid == here:
        raise MergeError(
            f"{snapshot.name} is this project itself, or a copy of it that was never opened on its own, "
            "so it holds nothing to merge; merge the reviewer's copy after she has worked in it"
        )
    docs = _match_documents(snapshot)
    # quotes are checked against this project's own text of a matched document, never the other's copy
    texts = {d.sha256: d.text for d in docs.new}
    same = [sha for sha, state in docs.state.items() if state == "same"]
    texts.update(Document.select(Document.sha256, Document.text).where(Document.sha256.in_(same)).tuples())
    theirs = {c.uuid: c for c in snapshot.claims}
    their_tombstones = {t.uuid: t for t in snapshot.tombstones}
    wanted = list(theirs) + [u for u in their_tombstones if u not in theirs]
    mine = local_claims(wanted)
    my_tombstones = {u for (u,) in ClaimTombstone.select(ClaimTombstone.uuid).tuples()}
    my_bases = dict(
        MergeBase.select(MergeBase.claim_uuid, MergeBase.digest)
        .where(MergeBase.project == snapshot.project_uuid)
        .tuples()
    )
    their_bases = {u: d for p, u, d in snapshot.merge_bases if p == here}

    out = _Outcome(session, snapshot, docs, prefer, my_bases, unstorable_claims(snapshot.claims))
    for claim in snapshot.claims:
        title = docs.title.get(claim.document_sha256, "?")
        state = docs.state.get(claim.document_sha256)
        if state not in ("same", "new"):
            out.skip(claim, title, state or "its document is missing there; run `curator check` on that project")
            continue
        digest = content_digest(row_content(claim))
        base = _bases(my_bases, their_bases, claim.uuid)
        local = mine.get(claim.uuid)
        if local is None:
            out.arrive(claim, title, digest, base, claim.uuid in my_tombstones, texts)
        else:
            out.meet(claim, title, digest, base, local, texts)
    for u, tomb in their_tombstones.items():
        local = mine.get(u)
        if u in theirs or local is None:
            continue
        base = _bases(my_bases, their_bases, u)
        out.deleted_there(u, tomb.reviewer_name, local, base)
    out.bases = {u: d for u, d in out.bases.items() if my_bases.get(u) != d}
    reconciliation = plan_reconciliation(
        snapshot,
        new={w.row.uuid for w in out.new},
        updated={w.row.uuid for w in out.updated},
        deleted={d.claim_uuid for d in out.deleted},
        local=set(mine),
        titles=docs.title,
        prefer=prefer,
    )
    return out.plan(docs, reconciliation)


def _bases(mine: dict[str, str], theirs: dict[str, str], claim_uuid: str) -> frozenset[str]:
    """The claim's merge bases: this project's record of the last agreement with the other, and the
    other's record of its last agreement with this one. Either may be the later one (a conflict
    settled with --prefer is recorded only on the side that merged), so a side whose digest equals
    either has not changed since; when both sides equal one, neither can be told older: a conflict."""
    return frozenset(b for b in (mine.get(claim_uuid), theirs.get(claim_uuid)) if b)


class _Outcome:
    """The decisions, gathered claim by claim."""

    def __init__(self, session: Session, snapshot: ProjectSnapshot, docs: _Documents, prefer, recorded, bad):
        self.session, self.snapshot, self.docs, self.prefer = session, snapshot, docs, prefer
        self.recorded = recorded  # this project's bases for the other, as stored
        self.bad = bad  # why some incoming claims cannot be stored, by uuid
        self.new: list[ClaimWrite] = []
        self.updated: list[ClaimWrite] = []
        self.deleted: list[ClaimDelete] = []
        self.skipped: list[Skipped] = []
        self.conflicts: list[Conflict] = []
        self.bases: dict[str, str | None] = {}
        self.revived: list[str] = []
        self.unchanged = self.kept_mine = self.kept_deleted = 0

    def skip(self, claim: ClaimRow, title: str, reason: str) -> None:
        self.skipped.append(Skipped(claim.uuid, title, claim.exact, reason))

    def conflict(self, claim_uuid, title, quote, reviewer, kind, fields) -> str:
        resolution = self.prefer or ""
        self.conflicts.append(Conflict(claim_uuid, title, quote, reviewer, kind, fields, resolution))
        return resolution

    def arrive(self, claim: ClaimRow, title: str, digest: str, base: frozenset, deleted_here: bool, texts) -> None:
        """A claim this project does not hold."""
        if deleted_here:
            if not base or digest in base:
                self.kept_deleted += self.recorded.get(claim.uuid) != digest
                self.bases[claim.uuid] = digest
                return
            fields = _field_diffs(self.session, {}, content_fields(row_content(claim)))
            resolution = self.conflict(claim.uuid, title, claim.exact, claim.reviewer_name, DELETED_HERE, fields)
            if not resolution:
                return
            self.bases[claim.uuid] = digest
            if resolution == "mine":
                return
            self.revived.append(claim.uuid)
        problem = claim_problem(claim, texts, self.bad)
        if problem:
            self.skip(claim, title, problem)
            return
        self.new.append(ClaimWrite(claim, digest))
        self.bases[claim.uuid] = digest

    def meet(self, claim: ClaimRow, title: str, digest: str, base: frozenset, local: LocalClaim, texts) -> None:
        """A claim both projects hold."""
        if digest == local.digest:
            self.unchanged += 1
            self.bases[claim.uuid] = digest
            return
        if digest in base and local.digest not in base:
            self.kept_mine += 1
            return
        mine = content_fields(local.content)
        diffs = _field_diffs(self.session, mine, content_fields(row_content(claim)))
        if local.digest not in base or digest in base:
            resolution = self.conflict(claim.uuid, title, mine["exact"], claim.reviewer_name, BOTH_EDITED, diffs)
            if not resolution:
                return
            self.bases[claim.uuid] = digest
            if resolution == "mine":
                return
        problem = claim_problem(claim, texts, self.bad)
        if problem:
            self.skip(claim, title, problem)
            return
        self.updated.append(ClaimWrite(claim, digest, local.id, local.digest, diffs))
        self.bases[claim.uuid] = digest

    def deleted_there(self, claim_uuid: str, deleted_by: str, local: LocalClaim, base: frozenset) -> None:
        content = content_fields(local.content)
        title = Document.select(Document.title).where(Document.id == local.document_id).scalar() or "?"
        if local.digest in base:
            self.deleted.append(ClaimDelete(claim_uuid, local.id, local.digest, deleted_by))
            self.bases[claim_uuid] = None
            return
        fields = _field_diffs(self.session, content, {})
        resolution = self.conflict(claim_uuid, title, content["exact"], content["reviewer"], DELETED_THERE, fields)
        if resolution == "theirs":
            self.deleted.append(ClaimDelete(claim_uuid, local.id, local.digest, deleted_by))
            self.bases[claim_uuid] = None
        elif resolution == "mine":
            # agreed on this claim as it is here; with no base, "deleted there" is not asked again
            self.bases[claim_uuid] = local.digest

    def plan(self, docs: _Documents, reconciliation: Reconciliation) -> MergePlan:
        snapshot = self.snapshot
        incoming = self.new + self.updated
        used = {t.term_id for w in incoming for t in w.row.terms if t.term_id is not None}
        vocabularies, terms, named = _new_terms(snapshot, used)
        names = {n for (n,) in Reviewer.select(Reviewer.name).tuples()}
        assignments, done = _assignments(snapshot, docs)
        choices, differing = _choices(snapshot)
        return MergePlan(
            source=snapshot.name,
            other_uuid=snapshot.project_uuid,
            prefer=self.prefer,
            new_documents=tuple(docs.new),
            new_vocabularies=tuple(vocabularies),
            new_terms=tuple(terms),
            terms=tuple(named),
            new_reviewers=tuple(
                r
                for r in snapshot.reviewers
                if r.name not in names and not unstorable_text(r.name + r.initials) and len(r.name) <= 200
            ),
            new_claims=tuple(self.new),
            updated_claims=tuple(self.updated),
            deleted_claims=tuple(self.deleted),
            unchanged=self.unchanged,
            kept_mine=self.kept_mine,
            kept_deleted=self.kept_deleted,
            skipped=tuple(self.skipped),
            conflicts=tuple(self.conflicts + reconciliation.conflicts),
            new_assignments=assignments,
            done_assignments=done,
            new_choices=choices,
            differing_choices=differing,
            bases=tuple(self.bases.items()),
            revived=tuple(self.revived),
            sources=tuple(reconciliation.sources),
            decisions=tuple(reconciliation.decisions),
            duplicates=tuple(reconciliation.duplicates),
            pages=_new_pages(snapshot, docs.new),
        )


def _assignments(snapshot: ProjectSnapshot, docs: _Documents) -> tuple[tuple, tuple]:
    """Their assignments this project lacks, and those done there but not here (by document and name)."""
    here = {
        (doc, name): done_at
        for doc, name, done_at in Assignment.select(Assignment.document, Reviewer.name, Assignment.done_at)
        .join(Reviewer)
        .tuples()
    }
    local_ids = document_ids({a.document_sha256 for a in snapshot.assignments})
    new, done = [], []
    for a in snapshot.assignments:
        state = docs.state.get(a.document_sha256)
        if state is None or (state != "new" and a.document_sha256 not in local_ids) or unstorable_text(a.reviewer_name):
            continue
        key = (local_ids.get(a.document_sha256), a.reviewer_name)
        if key not in here:
            new.append(a)
        elif a.done_at and here[key] is None:
            done.append(a)
    return tuple(new), tuple(done)


def _choices(snapshot: ProjectSnapshot) -> tuple[tuple, tuple]:
    here = {
        (f, k): label
        for f, k, label in CodebookChoice.select(
            CodebookChoice.field_key, CodebookChoice.choice_key, CodebookChoice.label
        ).tuples()
    }
    new = tuple(c for c in snapshot.choices if (c.field_key, c.choice_key) not in here and not unstorable_text(c.label))
    differing = tuple(
        (c.field_key, c.choice_key, here[(c.field_key, c.choice_key)], c.label)
        for c in snapshot.choices
        if (c.field_key, c.choice_key) in here and here[(c.field_key, c.choice_key)] != c.label
    )
    return new, differing


def document_ids(shas: set[str]) -> dict[str, int]:
    """Local document ids by the SHA-256 of their current text or of an earlier version."""
    out = {}
    shas = sorted(shas)
    for i in range(0, len(shas), 900):
        chunk = shas[i : i + 900]
        out.update(Document.select(Document.sha256, Document.id).where(Document.sha256.in_(chunk)).tuples())
        for sha, doc in (
            DocumentVersion.select(DocumentVersion.sha256, DocumentVersion.document)
            .where(DocumentVersion.sha256.in_(chunk))
            .tuples()
        ):
            out.setdefault(sha, doc)
    return out


def _new_pages(snapshot: ProjectSnapshot, new_documents) -> tuple[PagesRow, ...]:
    """The pages of the PDF documents the merge adds (their current text and older versions)."""
    wanted = {sha for d in new_documents for sha in (d.sha256, *(v.sha256 for v in d.versions))}
    return tuple(p for p in snapshot.pages if p.sha256 in wanted)
