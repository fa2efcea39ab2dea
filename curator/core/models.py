"""The schema. Field types are the portable subset of SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import peewee

from curator.core.db import database


def utcnow() -> dt.datetime:
    """Naive UTC: portable across SQLite text and PostgreSQL timestamp columns."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def new_uuid() -> str:
    """A random (version 4) UUID as text: 36 characters in both databases."""
    return str(uuid.uuid4())


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


class SchemaInfo(BaseModel):
    """Key/value facts about the database itself (schema version, creation time)."""

    key = peewee.CharField(primary_key=True, max_length=64)
    value = peewee.TextField()


ROLES = {"lead": "Lead", "extractor": "Extractor", "adjudicator": "Adjudicator"}


class Reviewer(BaseModel):
    name = peewee.CharField(max_length=200, unique=True)
    initials = peewee.CharField(max_length=10)
    created_at = peewee.DateTimeField(default=utcnow)
    # lead (assigns documents, sees every claim), extractor, adjudicator (sees every claim); v6.
    # Roles order the work; they are not access control: whoever opens the database can name anyone.
    # the SQL default too, as the v6 migration declares it: a fresh project's schema equals a migrated one's
    role = peewee.CharField(max_length=16, default="extractor", constraints=[peewee.SQL("DEFAULT 'extractor'")])


class Document(BaseModel):
    title = peewee.TextField()
    source_kind = peewee.CharField(max_length=32, default="other")
    authors = peewee.TextField(default="")
    venue = peewee.TextField(default="")
    published = peewee.CharField(max_length=32, default="")  # as precise as the source: 2026, 2026-02, 2026-02-05
    doi = peewee.CharField(max_length=255, default="")
    url = peewee.TextField(default="")
    file_name = peewee.TextField(default="")
    sha256 = peewee.CharField(max_length=64, unique=True)
    text = peewee.TextField()
    format = peewee.CharField(max_length=16, default="text")
    reading_status = peewee.CharField(max_length=16, default="unread", index=True)
    notes = peewee.TextField(default="")
    imported_at = peewee.DateTimeField(default=utcnow)
    encoding = peewee.CharField(
        max_length=32, default=""
    )  # as read, e.g. utf-8, cp1252 (confirmed by the reviewer); v3
    styles = peewee.TextField(default="")  # JSON [[start, end, kind, data], …] over `text`; v3


class DocumentEntity(BaseModel):
    """An entity a source lists with its identifier (seed 002's "Linked entities"); schema v3.

    start/end locate the mention in the document's text, when it is there."""

    document = peewee.ForeignKeyField(Document, backref="entities", on_delete="CASCADE", index=True)
    section = peewee.CharField(max_length=64)  # e.g. "Linked entities"
    kind = peewee.CharField(max_length=64)  # e.g. "Chemicals"
    label = peewee.TextField()
    identifier = peewee.CharField(max_length=100, default="")
    start = peewee.IntegerField(null=True)
    end = peewee.IntegerField(null=True)


class DocumentVersion(BaseModel):
    """A text a document had before it was replaced by a revised version (schema v3): claims made
    on it name it by SHA-256, so their quotes can always be shown in their original context."""

    document = peewee.ForeignKeyField(Document, backref="versions", on_delete="CASCADE", index=True)
    sha256 = peewee.CharField(max_length=64, index=True)
    text = peewee.TextField()
    file_name = peewee.TextField(default="")
    format = peewee.CharField(max_length=16, default="text")
    encoding = peewee.CharField(max_length=32, default="")
    styles = peewee.TextField(default="")
    replaced_at = peewee.DateTimeField(default=utcnow)


class Vocabulary(BaseModel):
    key = peewee.CharField(max_length=64, unique=True)
    name = peewee.CharField(max_length=200)
    roles = peewee.TextField(default="")  # space-separated role keys


class Term(BaseModel):
    vocabulary = peewee.ForeignKeyField(Vocabulary, backref="terms", on_delete="CASCADE")
    label = peewee.CharField(max_length=300)
    identifier = peewee.CharField(max_length=100, default="", index=True)
    synonyms = peewee.TextField(default="")  # "; "-joined
    description = peewee.TextField(default="")
    added_by = peewee.ForeignKeyField(Reviewer, null=True, on_delete="SET NULL")  # None: from the codebook

    class Meta:
        indexes = ((("vocabulary", "label"), True),)


class Claim(BaseModel):
    document = peewee.ForeignKeyField(Document, backref="claims", on_delete="RESTRICT", index=True)
    reviewer = peewee.ForeignKeyField(Reviewer, null=True, on_delete="SET NULL")
    # Anchor: W3C TextPositionSelector (code points) + TextQuoteSelector, and the text it was made on.
    start = peewee.IntegerField()
    end = peewee.IntegerField()
    exact = peewee.TextField()
    prefix = peewee.TextField(default="")
    suffix = peewee.TextField(default="")
    document_sha256 = peewee.CharField(max_length=64, default="")
    # "" while the quote is at start–end of the current text; "orphaned" when a revised document no
    # longer holds it (the claim keeps its quote and the position in the version it was made on); v3
    anchor_status = peewee.CharField(max_length=16, default="")
    statement = peewee.TextField(default="")
    claim_type = peewee.CharField(max_length=64, default="", index=True)
    population = peewee.CharField(max_length=64, default="")
    study_design = peewee.CharField(max_length=64, default="")
    direction = peewee.CharField(max_length=64, default="")
    effect_measure = peewee.CharField(max_length=64, default="")
    effect_value = peewee.DoubleField(null=True)
    ci_low = peewee.DoubleField(null=True)
    ci_high = peewee.DoubleField(null=True)
    p_value = peewee.DoubleField(null=True)
    n_studies = peewee.IntegerField(null=True)
    n_participants = peewee.IntegerField(null=True)
    source_certainty = peewee.CharField(max_length=64, default="")
    reviewer_certainty = peewee.CharField(max_length=64, default="")
    status = peewee.CharField(max_length=64, default="draft", index=True)
    notes = peewee.TextField(default="")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    # A claim's identity across projects and exports (ids are per database); kept by undo, restore
    # and import, so merging reviewers' projects can match claims by it. v5
    uuid = peewee.CharField(max_length=36, unique=True, default=new_uuid)
    # Bumped by every change: an update or delete that names a version another client has since
    # replaced is refused instead of overwriting that client's work (no lost update). v6
    version = peewee.IntegerField(default=1, constraints=[peewee.SQL("DEFAULT 1")])


class ClaimTerm(BaseModel):
    """A term on a claim. Label and identifier are kept so deleting a term never loses the tag."""

    claim = peewee.ForeignKeyField(Claim, backref="claim_terms", on_delete="CASCADE", index=True)
    term = peewee.ForeignKeyField(Term, null=True, on_delete="SET NULL", index=True)
    role = peewee.CharField(max_length=64)
    label = peewee.CharField(max_length=300)
    identifier = peewee.CharField(max_length=100, default="")
    position = peewee.IntegerField(default=0)


class ChangeLog(BaseModel):
    reviewer = peewee.ForeignKeyField(Reviewer, null=True, on_delete="SET NULL")
    at = peewee.DateTimeField(default=utcnow, index=True)
    action = peewee.CharField(max_length=16)  # create | update | delete
    entity = peewee.CharField(max_length=32)
    entity_id = peewee.IntegerField(index=True)
    field = peewee.CharField(max_length=64, default="")
    old = peewee.TextField(null=True)
    new = peewee.TextField(null=True)


class FormDraft(BaseModel):
    """What a reviewer typed into the claim form and has not saved yet (autosaved; schema v2).

    claim_id is not a foreign key: if the claim is deleted meanwhile, the input survives as a new claim.
    """

    reviewer = peewee.ForeignKeyField(Reviewer, null=True, on_delete="CASCADE")
    document = peewee.ForeignKeyField(Document, on_delete="CASCADE")
    claim_id = peewee.IntegerField(null=True)
    payload = peewee.TextField()  # JSON: start, end, values, terms
    saved_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("reviewer",), True),)


class RetiredTerm(BaseModel):
    """A term a reviewer deleted or merged away, so opening the project never brings it back from
    the codebook (schema v2). vocabulary_key "*" matches every vocabulary."""

    vocabulary_key = peewee.CharField(max_length=64)
    label = peewee.CharField(max_length=300)

    class Meta:
        indexes = ((("vocabulary_key", "label"), True),)


class CodebookChoice(BaseModel):
    """The project's own choices of a choice field (schema v4), filled from the codebook template
    and then edited in the project. A retired choice keeps its row: claims may still hold it, and the
    template must not bring it back."""

    field_key = peewee.CharField(max_length=64)
    choice_key = peewee.CharField(max_length=64)
    label = peewee.CharField(max_length=300)
    position = peewee.IntegerField(default=0)
    retired = peewee.BooleanField(default=False)

    class Meta:
        indexes = ((("field_key", "choice_key"), True),)


class Assignment(BaseModel):
    """A document given to a reviewer to extract (schema v6); done_at is set when she marks it done."""

    document = peewee.ForeignKeyField(Document, on_delete="CASCADE", index=True)
    reviewer = peewee.ForeignKeyField(Reviewer, on_delete="CASCADE", index=True)
    assigned_at = peewee.DateTimeField(default=utcnow)
    done_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("document", "reviewer"), True),)


class ClaimTombstone(BaseModel):
    """A deleted claim's identity (schema v6), so a merge does not bring it back from a project that
    still holds it, and can delete it where it was not changed since the projects last met."""

    uuid = peewee.CharField(max_length=36, primary_key=True)
    deleted_at = peewee.DateTimeField(default=utcnow)
    reviewer_name = peewee.CharField(max_length=200, default="")


class MergeBase(BaseModel):
    """What a claim looked like when this project last merged with another (schema v6): the common
    ancestor that tells "changed here", "changed there" and "changed on both sides" apart."""

    project = peewee.CharField(max_length=36)  # the other project's uuid (schema_info project_uuid)
    claim_uuid = peewee.CharField(max_length=36)
    digest = peewee.CharField(max_length=64)

    class Meta:
        indexes = ((("project", "claim_uuid"), True),)


class ConsensusSource(BaseModel):
    """Where a consensus claim's field came from (schema v7): the extractor's claim (by uuid; it is
    never deleted) and reviewer it took the value from, or `edited` when the adjudicator typed her own.
    field_key is a codebook value field key, a term role key, or "quote"."""

    claim = peewee.ForeignKeyField(Claim, backref="consensus_sources", on_delete="CASCADE", index=True)
    field_key = peewee.CharField(max_length=64)
    source_uuid = peewee.CharField(max_length=36, default="", index=True)
    source_reviewer = peewee.CharField(max_length=200, default="")
    edited = peewee.BooleanField(default=False)


class ReconciliationDecision(BaseModel):
    """An adjudicator's decision on a claim no other extractor matched (schema v7): accepted (a
    consensus claim was copied from it) or rejected (it stays out of the consensus)."""

    claim_uuid = peewee.CharField(max_length=36, primary_key=True)
    decision = peewee.CharField(max_length=16)  # accepted | rejected
    decided_by = peewee.CharField(max_length=200, default="")
    decided_at = peewee.DateTimeField(default=utcnow)


class DocumentPages(BaseModel):
    """A PDF document version's pages (schema v8): the file itself, to draw them, and where each
    character of that version's canonical text stands (curator.core.pages.PageLayout.to_bytes).

    Keyed by the version's SHA-256, the one Document and DocumentVersion carry and claims name as
    document_sha256, so a revised PDF's old layout stays with its old version. No foreign key: a
    version is not a row of its own while it is current. Documents that are not PDFs have no row."""

    sha256 = peewee.CharField(max_length=64, primary_key=True)
    pdf = peewee.BlobField()  # bytea on PostgreSQL
    layout = peewee.BlobField()
    page_count = peewee.IntegerField()


ALL_MODELS = [
    SchemaInfo,
    Reviewer,
    Document,
    DocumentEntity,
    DocumentVersion,
    Vocabulary,
    Term,
    Claim,
    ClaimTerm,
    ChangeLog,
    FormDraft,
    RetiredTerm,
    CodebookChoice,
    Assignment,
    ClaimTombstone,
    MergeBase,
    ConsensusSource,
    ReconciliationDecision,
    DocumentPages,
]

# The claim columns a codebook field may name (kind text/longtext/choice/number/integer).
CLAIM_FIELD_COLUMNS = {
    name: field
    for name, field in Claim._meta.fields.items()
    if name
    not in {
        "id",
        "document",
        "reviewer",
        "start",
        "end",
        "exact",
        "prefix",
        "suffix",
        "document_sha256",
        "anchor_status",
        "created_at",
        "updated_at",
        "uuid",
        "version",
    }
}
