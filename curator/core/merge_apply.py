"""Write a merge plan as one transaction, and take it back as one undo step.

New claims go in through SQL built once by peewee and run with executemany (curator.core.merge_rows,
as bulk_claims' _insert_rows): a 100,000-claim merge must not pay a per-row ORM save. Claims the merge
changes or deletes are kept as their rows were, so undo puts back exactly what was there; every
claim the merge or its undo touches gets a change-log row (the search index refreshes from the log)
and a new version, so a client still holding the older version cannot write over it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING

from curator.core import db as dbmod
from curator.core.bulk_claims import BATCH, PG_IMPORT_LOCK, no_cyclic_gc
from curator.core.commands import Command
from curator.core.db import write_transaction
from curator.core.documents import drop_unused_pages
from curator.core.errors import StaleClaimError
from curator.core.merge import MergePlan, document_ids, find_term, local_term_index
from curator.core.merge_consensus import drop_sources, restore_reconciliation, undo_sources, write_reconciliation
from curator.core.merge_identity import local_claims
from curator.core.merge_rows import (
    BASE_NAMES,
    CLAIM_NAMES,
    LOG_NAMES,
    TERM_NAMES,
    claim_tuple,
    insert_tuples,
    insert_with_ids,
    log_tuples,
    stamp,
    term_tuples,
)
from curator.core.models import (
    Assignment,
    ChangeLog,
    Claim,
    ClaimTerm,
    ClaimTombstone,
    CodebookChoice,
    Document,
    DocumentEntity,
    DocumentPages,
    DocumentVersion,
    FormDraft,
    MergeBase,
    Reviewer,
    Term,
    Vocabulary,
    utcnow,
)
from curator.core.records import READING_STATUSES, Changes

if TYPE_CHECKING:
    from curator.core.session import Session


@dataclass
class MergeUndo:
    """What undo needs: ids the merge created, and rows as they were before it changed them."""

    claims: list[int] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)
    terms: list[int] = field(default_factory=list)
    vocabularies: list[int] = field(default_factory=list)
    reviewers: list[int] = field(default_factory=list)
    assignments: list[int] = field(default_factory=list)
    done: list[int] = field(default_factory=list)  # assignments the merge marked done
    choices: list[int] = field(default_factory=list)
    before: list[tuple[dict, list[dict]]] = field(default_factory=list)  # updated claims: row, terms
    removed: list[tuple[dict, list[dict]]] = field(default_factory=list)  # deleted claims: row, terms
    tombstones: list[dict] = field(default_factory=list)  # removed by a revival
    bases: list[tuple] = field(default_factory=list)  # MergeBase rows (id, *BASE_NAMES) as they were
    base_uuids: list[str] = field(default_factory=list)
    claim_uuids: list[str] = field(default_factory=list)  # of `claims`: SQLite may give a deleted claim's id anew
    after_versions: dict[int, tuple[int, str]] = field(default_factory=dict)  # id -> (version left, uuid)
    sources: list[dict] = field(default_factory=list)  # consensus_source rows the merge replaced or deleted
    decisions: list[dict] = field(default_factory=list)  # reconciliation_decision rows it replaced


class MergeProject(Command):
    """The whole merge of another reviewer's project as one undo step."""

    def __init__(self, session: Session, plan: MergePlan):
        self.session = session
        self.plan = plan
        self.text = f"Merge {plan.source}"
        self.undo_data: MergeUndo | None = None

    def do(self) -> Changes:
        self.undo_data, changes = apply_merge(self.session, self.plan)
        if changes.codebook:  # forms offer the choices brought in
            self.session.reload_codebook()
        return changes

    def undo(self) -> Changes:
        assert self.undo_data is not None
        changes = undo_merge(self.session, self.undo_data, self.plan)
        self.undo_data = None
        if changes.codebook:
            self.session.reload_codebook()
        return changes


def _chunks(items: list, size: int = 900):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _each(build, values: list) -> None:
    """Run one statement per value through executemany: `build(v)` is the statement for one value,
    with v its last parameter. Large IN lists would cost a peewee conversion per bound value."""
    if not values:
        return
    sql, params = build(values[0]).sql()
    if not params or params[-1] != values[0]:
        raise RuntimeError(f"{sql}: the value is not the statement's last parameter")
    head = list(params[:-1])
    cursor = dbmod.database.obj.cursor()
    for chunk in _chunks(values, BATCH):
        cursor.executemany(sql, [(*head, v) for v in chunk])


def _stale(what: str) -> StaleClaimError:
    return StaleClaimError(
        f"{what} since the merge was previewed (another client wrote meanwhile); nothing was merged: "
        "preview the merge again"
    )


def _check_unchanged(plan: MergePlan) -> None:
    """Under the writer's lock: the claims the plan changes still say what they said when it was made."""
    expected = {w.row.uuid: w.local_digest for w in plan.updated_claims}
    expected.update({d.claim_uuid: d.local_digest for d in plan.deleted_claims})
    now = local_claims(list(expected)) if expected else {}
    for claim_uuid, digest in expected.items():
        if claim_uuid not in now or now[claim_uuid].digest != digest:
            raise _stale(f"claim {claim_uuid} was changed here")
    arriving = [w.row.uuid for w in plan.new_claims]
    if not arriving:
        return
    if len(arriving) > 900:  # one scan of the uuid index beats many IN lists
        stored = {u for (u,) in Claim.select(Claim.uuid).tuples()}
        taken = next((u for u in arriving if u in stored), None)
    else:
        taken = Claim.select(Claim.uuid).where(Claim.uuid.in_(arriving)).limit(1).scalar()
    if taken:
        raise _stale(f"claim {taken} was added here")


def _add_documents(plan: MergePlan, undo: MergeUndo, reviewer, now) -> None:
    pages = {p.sha256: p for p in plan.pages}
    for d in plan.new_documents:
        doc = Document.create(
            title=d.title,
            source_kind=d.source_kind,
            authors=d.authors,
            venue=d.venue,
            published=d.published,
            doi=d.doi,
            url=d.url,
            file_name=d.file_name,
            sha256=d.sha256,
            text=d.text,
            format=d.format,
            reading_status=d.reading_status if d.reading_status in READING_STATUSES else "unread",
            notes=d.notes,
            imported_at=stamp(d.imported_at, False, now),
            encoding=d.encoding,
            styles=d.styles,
        )
        undo.documents.append(doc.id)
        if d.versions:
            DocumentVersion.insert_many(
                [
                    v._asdict() | {"document": doc.id, "replaced_at": stamp(v.replaced_at, False, now)}
                    for v in d.versions
                ]
            ).execute()
        if d.entities:
            DocumentEntity.insert_many([e._asdict() | {"document": doc.id} for e in d.entities]).execute()
        # a PDF's pages, for its current text and each older version (the reader checked each layout)
        for sha in (d.sha256, *(v.sha256 for v in d.versions)):
            if sha in pages:
                DocumentPages.insert(pages[sha]._asdict()).on_conflict_ignore().execute()
        ChangeLog.create(
            reviewer=reviewer,
            at=now,
            action="create",
            entity="document",
            entity_id=doc.id,
            field="merge",
            new=plan.source,
        )


def _add_vocabulary(plan: MergePlan, undo: MergeUndo, reviewer) -> dict[int, int]:
    """Add the plan's vocabularies and terms; map their term ids to this project's."""
    for v in plan.new_vocabularies:
        undo.vocabularies.append(Vocabulary.create(key=v.key, name=v.name, roles=v.roles).id)
    vocabulary_ids = dict(Vocabulary.select(Vocabulary.key, Vocabulary.id).tuples())
    index = local_term_index()
    for t in plan.new_terms:
        if t.vocabulary_key not in vocabulary_ids or find_term(index, t) is not None:
            continue  # two of their terms may be one here
        term = Term.create(
            vocabulary=vocabulary_ids[t.vocabulary_key],
            label=t.label,
            identifier=t.identifier,
            synonyms=t.synonyms,
            description=t.description,
            added_by=reviewer,
        )
        undo.terms.append(term.id)
        if t.identifier:
            index[(t.vocabulary_key, t.identifier)] = term.id
        index[(t.vocabulary_key, "", t.label.casefold())] = term.id
    return {t.id: found for t in plan.terms if (found := find_term(index, t)) is not None}


def _add_reviewers(plan: MergePlan, undo: MergeUndo) -> dict[str, int]:
    for r in plan.new_reviewers:
        if not Reviewer.select().where(Reviewer.name == r.name).exists():
            role = r.role if r.role in ("lead", "extractor", "adjudicator") else "extractor"
            undo.reviewers.append(Reviewer.create(name=r.name, initials=r.initials[:10], role=role).id)
    return dict(Reviewer.select(Reviewer.name, Reviewer.id).tuples())


def _row_and_terms(claim_ids: list[int]) -> list[tuple[dict, list[dict]]]:
    rows = {r["id"]: r for chunk in _chunks(claim_ids) for r in Claim.select().where(Claim.id.in_(chunk)).dicts()}
    terms: dict[int, list[dict]] = {i: [] for i in rows}
    for chunk in _chunks(claim_ids):
        for t in ClaimTerm.select().where(ClaimTerm.claim.in_(chunk)).order_by(ClaimTerm.id).dicts():
            terms[t["claim"]].append(t)
    return [(rows[i], terms[i]) for i in claim_ids if i in rows]


def apply_merge(session: Session, plan: MergePlan) -> tuple[MergeUndo, Changes]:
    """Write `plan` all or nothing; return what undo needs and what changed."""
    undo = MergeUndo()
    reviewer = session.reviewer_id
    sqlite = dbmod.is_sqlite()
    with no_cyclic_gc(), write_transaction():
        if not sqlite:  # one writer of claims in bulk at a time, as imports (bulk_claims explains)
            dbmod.database.obj.execute_sql("SELECT pg_advisory_xact_lock(%s)", (PG_IMPORT_LOCK,))
        _check_unchanged(plan)
        now = utcnow()
        at = now.isoformat(" ") if sqlite else now
        _add_documents(plan, undo, reviewer, now)
        term_ids = _add_vocabulary(plan, undo, reviewer)
        reviewer_ids = _add_reviewers(plan, undo)
        incoming = plan.new_claims + plan.updated_claims
        doc_ids = document_ids(
            {w.row.document_sha256 for w in incoming}
            | {a.document_sha256 for a in plan.new_assignments + plan.done_assignments}
        )

        # revived claims were deleted here: their tombstones go, and come back with an undo
        for chunk in _chunks(list(plan.revived)):
            undo.tombstones += list(ClaimTombstone.select().where(ClaimTombstone.uuid.in_(chunk)).dicts())
            ClaimTombstone.delete().where(ClaimTombstone.uuid.in_(chunk)).execute()

        # in uuid order, so the unique uuid index grows at its end instead of splitting pages everywhere
        arriving = sorted((w.row for w in plan.new_claims), key=attrgetter("uuid"))
        rows = [
            claim_tuple(
                row,
                doc_ids[row.document_sha256],
                reviewer_ids.get(row.reviewer_name),
                stamp(row.created_at, sqlite, now),
                stamp(row.updated_at, sqlite, now),
                1,
            )
            for row in arriving
        ]
        undo.claims = insert_with_ids(Claim, CLAIM_NAMES, rows)
        undo.claim_uuids = [row.uuid for row in arriving]
        insert_tuples(
            ClaimTerm,
            TERM_NAMES,
            [t for claim_id, row in zip(undo.claims, arriving) for t in term_tuples(claim_id, row, term_ids)],
        )
        log = log_tuples(reviewer, at, "create", [(claim_id, "merge", None, plan.source) for claim_id in undo.claims])

        updated_ids = [w.local_id for w in plan.updated_claims]
        undo.before = _row_and_terms(updated_ids)
        versions = {row["id"]: row["version"] for row, _ in undo.before}
        for w in plan.updated_claims:
            columns = dict(
                zip(
                    CLAIM_NAMES,
                    claim_tuple(
                        w.row, doc_ids[w.row.document_sha256], reviewer_ids.get(w.row.reviewer_name), None, now, 0
                    ),
                )
            )
            for kept in ("created_at", "uuid", "version"):
                del columns[kept]
            written = (
                Claim.update(**columns, version=Claim.version + 1)
                .where((Claim.id == w.local_id) & (Claim.version == versions[w.local_id]))
                .execute()
            )
            if not written:
                raise _stale(f"claim {w.row.uuid} was changed here")
            undo.after_versions[w.local_id] = (versions[w.local_id] + 1, w.row.uuid)
            log += log_tuples(reviewer, at, "update", [(w.local_id, name, old, new) for name, old, new in w.diffs])
        _each(lambda v: ClaimTerm.delete().where(ClaimTerm.claim == v), updated_ids)
        insert_tuples(
            ClaimTerm, TERM_NAMES, [t for w in plan.updated_claims for t in term_tuples(w.local_id, w.row, term_ids)]
        )

        deleted_ids = [d.local_id for d in plan.deleted_claims]
        undo.removed = _row_and_terms(deleted_ids)
        undo.sources = drop_sources(deleted_ids)
        _each(lambda v: ClaimTerm.delete().where(ClaimTerm.claim == v), deleted_ids)
        _each(lambda v: FormDraft.update(claim_id=None).where(FormDraft.claim_id == v), deleted_ids)
        _each(lambda v: Claim.delete().where(Claim.id == v), deleted_ids)
        for d in plan.deleted_claims:
            ClaimTombstone.insert(
                uuid=d.claim_uuid, deleted_at=now, reviewer_name=d.deleted_by
            ).on_conflict_ignore().execute()
        log += log_tuples(
            reviewer, at, "delete", [(d.local_id, "merge", plan.source, None) for d in plan.deleted_claims]
        )
        insert_tuples(ChangeLog, LOG_NAMES, log)
        replaced, undo.decisions, reconciled, reconciled_docs = write_reconciliation(plan, now)
        undo.sources += replaced

        _merge_assignments(plan, undo, doc_ids, reviewer_ids, now)
        _add_choices(plan, undo)
        _record_bases(plan, undo)
    claim_docs = {doc_ids[w.row.document_sha256] for w in incoming} | {row["document"] for row, _ in undo.removed}
    return undo, Changes(
        documents=frozenset(claim_docs | set(undo.documents) | reconciled_docs),
        claims=frozenset(undo.claims + updated_ids + deleted_ids) | reconciled,
        vocabulary=bool(undo.terms or undo.vocabularies),
        codebook=bool(undo.choices),
        team=bool(undo.assignments or undo.done or undo.reviewers),
    )


def _merge_assignments(plan: MergePlan, undo: MergeUndo, doc_ids, reviewer_ids, now) -> None:
    for a in plan.new_assignments:
        doc, who = doc_ids.get(a.document_sha256), reviewer_ids.get(a.reviewer_name)
        if doc is None or who is None:
            continue
        row = Assignment.create(
            document=doc,
            reviewer=who,
            assigned_at=stamp(a.assigned_at, False, now),
            done_at=stamp(a.done_at, False, now) if a.done_at else None,
        )
        undo.assignments.append(row.id)
    for a in plan.done_assignments:
        doc, who = doc_ids.get(a.document_sha256), reviewer_ids.get(a.reviewer_name)
        found = Assignment.get_or_none((Assignment.document == doc) & (Assignment.reviewer == who))
        if found is not None and found.done_at is None:
            Assignment.update(done_at=stamp(a.done_at, False, now)).where(Assignment.id == found.id).execute()
            undo.done.append(found.id)


def _add_choices(plan: MergePlan, undo: MergeUndo) -> None:
    for c in plan.new_choices:
        last = (
            CodebookChoice.select(CodebookChoice.position)
            .where(CodebookChoice.field_key == c.field_key)
            .order_by(CodebookChoice.position.desc())
            .limit(1)
            .scalar()
        )
        row = CodebookChoice.create(
            field_key=c.field_key,
            choice_key=c.choice_key,
            label=c.label,
            position=(last + 1) if last is not None else c.position,
            retired=c.retired,
        )
        undo.choices.append(row.id)


def _record_bases(plan: MergePlan, undo: MergeUndo) -> None:
    undo.base_uuids = [u for u, _ in plan.bases]
    touched = set(undo.base_uuids)
    other = MergeBase.project == plan.other_uuid
    stored = MergeBase.select(MergeBase.id, MergeBase.project, MergeBase.claim_uuid, MergeBase.digest).where(other)
    undo.bases = [b for b in stored.tuples() if b[2] in touched]
    _each(lambda v: MergeBase.delete().where(MergeBase.id == v), [b[0] for b in undo.bases])
    # in uuid order, as the claims: the (project, claim_uuid) index grows at its end
    agreed = sorted((u, d) for u, d in plan.bases if d is not None)
    insert_tuples(MergeBase, BASE_NAMES, [(plan.other_uuid, u, d) for u, d in agreed])


def undo_merge(session: Session, undo: MergeUndo, plan: MergePlan) -> Changes:
    """Put the project back as it was before the merge, in one transaction."""
    reviewer = session.reviewer_id
    sqlite = dbmod.is_sqlite()
    source, other_uuid = plan.source, plan.other_uuid
    restored = [row["id"] for row, _ in undo.before]
    with no_cyclic_gc(), write_transaction():
        now = utcnow()
        at = now.isoformat(" ") if sqlite else now
        # claims are found by uuid as well as id: SQLite gives a deleted claim's id to the next new one
        inserted = set(undo.claim_uuids)
        changed_since = [u for (u,) in Claim.select(Claim.uuid).where(Claim.version != 1).tuples() if u in inserted]
        for claim_id, (version, claim_uuid) in undo.after_versions.items():
            now_version = (
                Claim.select(Claim.version).where((Claim.id == claim_id) & (Claim.uuid == claim_uuid)).scalar()
            )
            if now_version != version:
                changed_since.append(claim_uuid)
        if changed_since:
            raise StaleClaimError(
                f"claim {changed_since[0]} was changed or deleted after the merge; the merge was not undone: "
                "undo that change first, or keep the merge"
            )
        undo_sources([u for u, _ in plan.sources])
        _each(
            lambda v: ClaimTerm.delete().where(ClaimTerm.claim.in_(Claim.select(Claim.id).where(Claim.uuid == v))),
            undo.claim_uuids,
        )
        _each(lambda v: Claim.delete().where(Claim.uuid == v), undo.claim_uuids)
        log = log_tuples(reviewer, at, "delete", [(i, "merge undone", source, None) for i in undo.claims])
        for row, terms in undo.before:
            Claim.update(
                **{k: v for k, v in row.items() if k != "id"} | {"version": undo.after_versions[row["id"]][0] + 1}
            ).where(Claim.id == row["id"]).execute()
            ClaimTerm.delete().where(ClaimTerm.claim == row["id"]).execute()
            if terms:
                ClaimTerm.insert_many(terms).execute()
            log += log_tuples(reviewer, at, "update", [(row["id"], "merge undone", source, None)])
        for row, terms in undo.removed:
            Claim.insert(**row | {"version": row["version"] + 1}).execute()
            if terms:
                ClaimTerm.insert_many(terms).execute()
            log += log_tuples(reviewer, at, "create", [(row["id"], "merge undone", None, source)])
        restore_reconciliation(undo.sources, [d.claim_uuid for d in plan.decisions], undo.decisions)
        removed_uuids = [row["uuid"] for row, _ in undo.removed]
        _each(lambda v: ClaimTombstone.delete().where(ClaimTombstone.uuid == v), removed_uuids)
        if undo.tombstones:
            ClaimTombstone.insert_many(undo.tombstones).execute()
        insert_tuples(ChangeLog, LOG_NAMES, log)

        Assignment.delete().where(Assignment.id.in_(undo.assignments)).execute()
        if undo.done:
            Assignment.update(done_at=None).where(Assignment.id.in_(undo.done)).execute()
        CodebookChoice.delete().where(CodebookChoice.id.in_(undo.choices)).execute()
        _each(
            lambda v: MergeBase.delete().where((MergeBase.project == other_uuid) & (MergeBase.claim_uuid == v)),
            undo.base_uuids,
        )
        insert_tuples(MergeBase, ("id", *BASE_NAMES), undo.bases)

        # what the merge brought in goes too, unless something has used it since
        keep_docs = {
            d for (d,) in Claim.select(Claim.document).where(Claim.document.in_(undo.documents)).distinct().tuples()
        }
        gone_docs = [d for d in undo.documents if d not in keep_docs]
        gone_shas = {s for (s,) in Document.select(Document.sha256).where(Document.id.in_(gone_docs)).tuples()}
        gone_shas |= {
            s
            for (s,) in DocumentVersion.select(DocumentVersion.sha256)
            .where(DocumentVersion.document.in_(gone_docs))
            .tuples()
        }
        for model in (DocumentVersion, DocumentEntity, Assignment, FormDraft):
            model.delete().where(model.document.in_(gone_docs)).execute()
        Document.delete().where(Document.id.in_(gone_docs)).execute()
        drop_unused_pages(gone_shas)
        used_terms = {t for (t,) in ClaimTerm.select(ClaimTerm.term).where(ClaimTerm.term.in_(undo.terms)).tuples()}
        Term.delete().where(Term.id.in_([t for t in undo.terms if t not in used_terms])).execute()
        Vocabulary.delete().where(
            Vocabulary.id.in_(undo.vocabularies) & ~Vocabulary.id.in_(Term.select(Term.vocabulary))
        ).execute()
        busy = {
            r for (r,) in Claim.select(Claim.reviewer).where(Claim.reviewer.in_(undo.reviewers)).distinct().tuples()
        }
        busy |= {
            r for (r,) in Assignment.select(Assignment.reviewer).where(Assignment.reviewer.in_(undo.reviewers)).tuples()
        }
        Reviewer.delete().where(Reviewer.id.in_([r for r in undo.reviewers if r not in busy])).execute()
    return Changes(
        documents=frozenset(set(undo.documents) | {row["document"] for row, _ in undo.before + undo.removed}),
        claims=frozenset(undo.claims + restored + [row["id"] for row, _ in undo.removed]),
        vocabulary=bool(undo.terms or undo.vocabularies),
        codebook=bool(undo.choices),
        team=bool(undo.assignments or undo.done or undo.reviewers),
    )
