"""A PDF document's pages (schema v8): stored with the document, kept per version, exported as a page."""

import csv
import hashlib
import io
import json
import shutil
from array import array
from pathlib import Path

import pytest

from curator.core import db as dbmod
from curator.core.commands import ReplaceDocument
from curator.core.errors import ValidationError
from curator.core.migrations import LATEST_VERSION, MIGRATIONS, current_version, migrate
from curator.core.models import Document, DocumentPages
from curator.core.pages import NO_PAGE, PageLayout
from curator.core.records import ClaimDraft, NewDocument
from curator.core.revisions import plan_revision
from curator.core.session import open_session
from curator.io.claim_table import claim_columns
from curator.io.flat_export import PDF_FRAGMENT, export_csv, export_jsonld
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends

FIXTURES = Path(__file__).parent / "fixtures"
PAGE_ONE = "Background on the gut and the brain."
PAGE_TWO = "Probiotics reduced migraine days in two trials."
TEXT = PAGE_ONE + "\n" + PAGE_TWO
QUOTE = "Probiotics reduced migraine days"


def make_pdf(pages: list[str]) -> bytes:
    """A small real PDF, one line of text per page (reportlab; what the layout describes)."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(612, 792), invariant=1)
    for line in pages:
        c.drawString(72, 72, line)
        c.showPage()
    c.save()
    return out.getvalue()


def layout_for(lines: list[str]) -> PageLayout:
    """A PageLayout as the import makes it: the lines joined by '\\n' (on no page), 6 points a character."""
    pages, boxes = array("H"), array("f")
    for page, line in enumerate(lines):
        if page:
            pages.append(NO_PAGE)
            boxes.extend((0.0, 0.0, 0.0, 0.0))
        for i in range(len(line)):
            pages.append(page)
            boxes.extend((72.0 + 6 * i, 60.0, 78.0 + 6 * i, 74.0))
    return PageLayout(tuple((612.0, 792.0) for _ in lines), pages, boxes)


def pdf_document(lines: list[str], name: str = "paper.pdf") -> NewDocument:
    pdf = make_pdf(lines)
    return NewDocument(
        title="A paper",
        text="\n".join(lines),
        sha256=hashlib.sha256(pdf).hexdigest(),
        file_name=name,
        format="pdf",
        pdf=pdf,
        pages=layout_for(lines),
        warnings=("its JavaScript was not run",),
    )


def same_layout(a: PageLayout | None, b: PageLayout) -> bool:
    return a is not None and (a.page_sizes, list(a.char_pages), list(a.char_boxes)) == (
        b.page_sizes,
        list(b.char_pages),
        list(b.char_boxes),
    )


def claim_on(session, doc_id: int, quote: str = QUOTE):
    start = session.documents.get(doc_id).text.index(quote)
    return session.claims.create(ClaimDraft(doc_id, start, start + len(quote), {"statement": "fewer migraine days"}))[0]


def test_a_pdf_is_stored_with_its_pages_and_read_back(session):
    new = pdf_document([PAGE_ONE, PAGE_TWO])
    doc_id, added = session.documents.add(new)
    assert added and session.documents.get(doc_id).format == "pdf"
    assert same_layout(session.documents.page_layout(doc_id), new.pages)
    assert session.documents.pdf_bytes(doc_id) == new.pdf and session.documents.pdf_bytes(doc_id).startswith(b"%PDF")
    assert session.documents.page_count(doc_id) == 2
    assert same_layout(session.documents.page_layout_for(new.sha256), new.pages)
    assert session.documents.add(new) == (doc_id, False)  # the same bytes again: nothing more stored
    assert DocumentPages.select().count() == 1
    text_doc = doc_id_by_file(session, "002")
    assert session.documents.page_layout(text_doc) is None and session.documents.pdf_bytes(text_doc) is None
    assert session.documents.page_count(text_doc) == 0


def test_a_failure_while_storing_leaves_neither_document_nor_pages(session, monkeypatch):
    from curator.core import documents

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(documents.changelog, "record", broken)  # after the document and its pages are written
    new = pdf_document([PAGE_ONE, PAGE_TWO])
    before = session.documents.count()
    with pytest.raises(RuntimeError, match="disk gone"):
        session.documents.add(new)
    assert session.documents.count() == before
    assert session.documents.find_by_sha256(new.sha256) is None
    assert DocumentPages.select().count() == 0


def test_a_layout_that_does_not_cover_the_text_is_refused_and_nothing_stored(session):
    new = pdf_document([PAGE_ONE, PAGE_TWO])
    wrong = NewDocument(**{**new.__dict__, "pages": layout_for([PAGE_ONE])})
    with pytest.raises(ValidationError, match="paper.pdf: the page layout covers 36 characters but the text has 84"):
        session.documents.add(wrong)
    missing = NewDocument(**{**new.__dict__, "pdf": b""})
    with pytest.raises(ValidationError, match="one is missing"):
        session.documents.add(missing)
    assert session.documents.find_by_sha256(new.sha256) is None and DocumentPages.select().count() == 0


def test_a_revised_pdf_keeps_both_layouts_and_undo_drops_the_new_one(session):
    old = pdf_document([PAGE_ONE, PAGE_TWO])
    doc_id, _ = session.documents.add(old)
    claim = claim_on(session, doc_id)
    revised_lines = ["Revised background.", "A new page in between.", PAGE_TWO]
    new = pdf_document(revised_lines, "paper-v2.pdf")
    plan = plan_revision(session, doc_id, new)
    assert plan.counts()["orphaned"] == 0
    command = ReplaceDocument(session, plan, set())
    command.do()
    assert same_layout(session.documents.page_layout(doc_id), new.pages)
    assert same_layout(session.documents.page_layout_for(old.sha256), old.pages)  # the old version keeps its own
    assert session.documents.pdf_bytes(doc_id) == new.pdf and session.documents.page_count(doc_id) == 3
    moved = session.claims.get(claim.id)
    assert moved.document_sha256 == new.sha256 and moved.anchor.exact == QUOTE
    assert session.documents.page_numbers()(moved.document_sha256, moved.anchor.start, moved.anchor.end) == 3
    command.undo()
    assert same_layout(session.documents.page_layout(doc_id), old.pages)
    assert {p.sha256 for p in DocumentPages.select()} == {old.sha256}
    command.do()  # redo stores the new version's pages again
    assert same_layout(session.documents.page_layout(doc_id), new.pages)


def test_the_page_column_and_the_jsonld_page_fragment_for_a_claim_on_page_2(session, tmp_path):
    doc_id, _ = session.documents.add(pdf_document([PAGE_ONE, PAGE_TWO]))
    on_pdf = claim_on(session, doc_id)
    on_text = claim_on(session, doc_id_by_file(session, "002"), "Faecalibacterium")
    columns = {c.header: c for c in claim_columns(session, {})}
    page = columns["Page"]
    assert not page.importable
    assert page.value(session.claims.get(on_pdf.id)) == 2 and page.value(session.claims.get(on_text.id)) is None

    export_csv(session, tmp_path / "claims.csv")
    with open(tmp_path / "claims.csv", encoding="utf-8-sig", newline="") as f:
        rows = {row["Claim UUID"]: row for row in csv.DictReader(f)}
    assert rows[on_pdf.uuid]["Page"] == "2" and rows[on_text.uuid]["Page"] == ""

    export_jsonld(session, tmp_path / "claims.jsonld")
    items = json.loads((tmp_path / "claims.jsonld").read_text(encoding="utf-8"))["first"]["items"]
    by_id = {i["id"]: i for i in items}
    selectors = by_id[f"urn:uuid:{on_pdf.uuid}"]["target"]["selector"]
    quote = {
        "type": "TextQuoteSelector",
        "exact": QUOTE,
        "prefix": on_pdf.anchor.prefix,
        "suffix": on_pdf.anchor.suffix,
    }
    assert selectors[0] == {
        "type": "FragmentSelector",
        "conformsTo": PDF_FRAGMENT,
        "value": "page=2",
        "refinedBy": quote,
    }
    assert selectors[1:] == [quote, {"type": "TextPositionSelector", "start": TEXT.index(QUOTE), "end": len(TEXT) - 15}]
    assert [s["type"] for s in by_id[f"urn:uuid:{on_text.uuid}"]["target"]["selector"]] == [
        "TextQuoteSelector",
        "TextPositionSelector",
    ]


def test_an_orphaned_claim_keeps_the_page_of_the_version_it_was_made_on(session):
    doc_id, _ = session.documents.add(pdf_document([PAGE_ONE, PAGE_TWO]))
    claim = claim_on(session, doc_id)
    ReplaceDocument(
        session, plan_revision(session, doc_id, pdf_document(["Nothing else.", "Gone."], "v2.pdf")), set()
    ).do()
    orphan = session.claims.get(claim.id)
    assert orphan.orphaned
    assert {c.header: c for c in claim_columns(session, {})}["Page"].value(orphan) == 2


@pytest.mark.sqlite_only(reason="a v7 project file made by the shipped steps, as the migration tests make theirs")
def test_a_schema_7_project_gains_the_pages_table(tmp_path):
    path = tmp_path / "v7.sqlite3"
    shutil.copy(FIXTURES / "schema_v1.sqlite3", path)
    database = dbmod.bind(dbmod.make_database(path))
    database.connect()
    assert migrate(database, {k: v for k, v in MIGRATIONS.items() if k <= 7}) == [2, 3, 4, 5, 6, 7]
    assert not database.table_exists("document_pages")
    database.close()

    session = open_session(path)
    try:
        assert current_version(session.database) == LATEST_VERSION == 8
        assert session.database.table_exists("document_pages") and session.claims.count() == 4
        session.use_reviewer("Ada Lovelace")
        new = pdf_document([PAGE_ONE, PAGE_TWO])
        doc_id, _ = session.documents.add(new)
        assert same_layout(session.documents.page_layout(doc_id), new.pages)
    finally:
        session.close()


@pytest.mark.sqlite_only(reason="a merge reads another project's file")
def test_a_merged_pdf_document_brings_its_pages_and_undo_takes_them_away(tmp_path):
    from tests.test_merge import ANN, LEAD, merge, opened

    ann = opened(tmp_path / "ann.sqlite3", ANN)
    new = pdf_document([PAGE_ONE, PAGE_TWO])
    doc_id, _ = ann.documents.add(new)
    claim_on(ann, doc_id)
    ann.close()
    lead = opened(tmp_path / "lead.sqlite3", LEAD)
    try:
        plan, command = merge(lead, tmp_path / "ann.sqlite3")
        assert [p.sha256 for p in plan.pages] == [new.sha256]
        here = lead.documents.find_by_sha256(new.sha256)
        assert same_layout(lead.documents.page_layout(here), new.pages) and lead.documents.pdf_bytes(here) == new.pdf
        command.undo()
        assert lead.documents.find_by_sha256(new.sha256) is None and DocumentPages.select().count() == 0
    finally:
        lead.close()


@pytest.mark.sqlite_only(reason="a merge reads another project's file")
def test_a_merge_leaves_out_pages_whose_layout_does_not_fit_the_text(tmp_path):
    from curator.io.project_reader import read_project
    from tests.test_merge import ANN, opened

    ann = opened(tmp_path / "ann.sqlite3", ANN)
    good = pdf_document([PAGE_ONE, PAGE_TWO])
    bad = pdf_document(["Another paper.", "Its second page."], "other.pdf")
    ann.documents.add(good)
    ann.documents.add(bad)
    # a layout made up for the other paper's text: a zip bomb would be refused the same way
    DocumentPages.update(layout=layout_for([PAGE_ONE]).to_bytes()).where(DocumentPages.sha256 == bad.sha256).execute()
    assert Document.select().where(Document.sha256 == bad.sha256).count() == 1
    ann.close()
    assert [p.sha256 for p in read_project(tmp_path / "ann.sqlite3").pages] == [good.sha256]


def test_an_imports_warnings_reach_the_summary(session, tmp_path, monkeypatch):
    from curator.io import document_files

    new = pdf_document([PAGE_ONE, PAGE_TWO])
    path = tmp_path / "paper.pdf"
    path.write_bytes(new.pdf)
    monkeypatch.setattr(document_files, "read_document", lambda p, encoding=None, **_: new)  # until pdf_text reads it
    monkeypatch.setattr(document_files, "FORMATS", {**document_files.FORMATS, ".pdf": "pdf"})
    summary = document_files.import_documents(session, [path])
    assert summary.warnings == [(path, "its JavaScript was not run")]
    assert "  note: paper.pdf: its JavaScript was not run" in summary.lines()
    again = document_files.import_documents(session, [path])
    assert again.duplicates and again.warnings == []  # said once, when the document was stored


def test_an_exported_workbook_with_a_pdf_claim_reimports_unchanged(session, tmp_path):
    from curator.io.claim_import import plan_import
    from curator.io.xlsx_export import export_xlsx

    doc_id, _ = session.documents.add(pdf_document([PAGE_ONE, PAGE_TWO]))
    claim_on(session, doc_id)
    claim_on(session, doc_id_by_file(session, "002"), "Faecalibacterium")
    export_xlsx(session, tmp_path / "out.xlsx")
    import openpyxl

    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx")["Claims"].values)
    page, document = rows[0].index("Page"), rows[0].index("Document")
    assert sorted((r[document], r[page]) for r in rows[1:]) == [
        ("A paper", 2),
        (session.documents.get(doc_id_by_file(session, "002")).title, None),
    ]
    plan = plan_import(session, tmp_path / "out.xlsx")
    assert plan.ok, plan.problems
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (0, 0, 2)
    assert "Page" not in plan.ignored_columns  # known, and read-only


def test_a_generated_pdf_imports_through_read_document_and_stores_its_pages(session, tmp_path):
    from curator.io.document_files import import_documents, read_document
    from tests.pdf_maker import make_pdf as make_laid_out_pdf

    path = make_laid_out_pdf(
        tmp_path / "laid-out.pdf",
        [{"columns": [["Background on the gut and the brain."]]}, {"columns": [[PAGE_TWO]]}],
        javascript=True,
    )
    new = read_document(path)
    summary = import_documents(session, [path])
    assert len(summary.imported) == 1, summary.lines()
    doc_id = summary.imported[0][1]
    assert session.documents.pdf_bytes(doc_id) == path.read_bytes() == new.pdf
    assert same_layout(session.documents.page_layout(doc_id), new.pages)
    assert new.warnings and [w for _, w in summary.warnings] == list(new.warnings)
    claim = claim_on(session, doc_id)
    assert {c.header: c for c in claim_columns(session, {})}["Page"].value(session.claims.get(claim.id)) == 2
