"""PDF import (issue 14) on PDFs the tests make from known text (tests/pdf_maker.py)."""

from __future__ import annotations

import hashlib
import pickle

import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.core.errors import CuratorError, PasswordNeeded, ValidationError
from curator.core.pages import NO_PAGE, PageLayout
from curator.io.document_files import read_document
from tests.pdf_maker import (
    KNOWN_HYPHENATED,
    KNOWN_LIGATURES,
    KNOWN_ONE_COLUMN,
    KNOWN_TWO_COLUMNS,
    article,
    known_text,
    make_pdf,
    page,
)

HEAD = "Journal of Known Texts 7 (2025)"
FOOT = "https://doi.org/10.5555/known.2025.17"


def chromed(*pages_columns):
    """Pages with a running header, footer and page number each."""
    return [page(*cols, header=HEAD, footer=FOOT, number=n + 1) for n, cols in enumerate(pages_columns)]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """One- and two-column pages, hyphens, ligatures and chrome (rotation: its own test below)."""
    specs = chromed((KNOWN_ONE_COLUMN,), KNOWN_TWO_COLUMNS, (KNOWN_HYPHENATED + [""] + KNOWN_LIGATURES,))
    path = make_pdf(tmp_path_factory.mktemp("pdf") / "mixed.pdf", specs, title="Known Texts", author="Ann Bee")
    return path, specs, read_document(path)


def test_one_and_two_columns_read_as_the_known_text_without_chrome(mixed):
    path, specs, doc = mixed
    assert doc.format == "pdf" and doc.text == known_text(specs)
    assert HEAD not in doc.text and FOOT not in doc.text and "\n\n2\n\n" not in doc.text
    assert doc.pdf == path.read_bytes() and len(doc.pages) == len(doc.text) and doc.pages.page_count == 3


def test_a_sentence_crossing_columns_reads_whole_and_hyphens_and_ligatures_are_joined(mixed):
    text = mixed[2].text
    assert "in the middle of a sentence that continues in the right column, where" in text
    assert "are hyphenated by the typesetter" in text and "hy-" not in text
    assert "The first figure shows a flat profile; the effect is significant in the offline test." in text
    assert not any(0xFB00 <= ord(c) <= 0xFB4F for c in text)
    # the joined word has no character for the dropped hyphen; ﬁ's two characters share its box
    start = text.index("hyphenated")
    assert all(doc_page != NO_PAGE for doc_page in mixed[2].pages.char_pages[start : start + 10])
    fi = text.index("first figure")
    assert mixed[2].pages.box(fi) == mixed[2].pages.box(fi + 1)


def test_metadata_from_the_info_dictionary_and_the_first_page(mixed):
    doc = mixed[2]
    assert doc.title == "Known Texts" and doc.authors == "Ann Bee"
    assert doc.doi == "10.5555/known.2025.17"  # from the first page's footer, though it is chrome
    assert len(doc.published) == 10 and doc.warnings == ()


def test_xmp_beats_the_info_dictionary():
    from curator.io.pdf_meta import pdf_metadata

    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>'
        b"<dc:title><rdf:Alt><rdf:li xml:lang='x-default'>Real &amp; Title</rdf:li></rdf:Alt></dc:title>"
        b"<dc:creator><rdf:Seq><rdf:li>Ann Bee</rdf:li><rdf:li>Cy Dee</rdf:li></rdf:Seq></dc:creator>"
        b"<prism:doi>10.1000/xyz.1</prism:doi><prism:publicationDate>2023-05-02</prism:publicationDate>"
        b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    found = pdf_metadata(b"%PDF-1.7\n" + xmp, {"Title": "Microsoft Word - draft.docx", "Author": "x"}, "")
    assert found == {
        "title": "Real & Title",
        "authors": "Ann Bee; Cy Dee",
        "doi": "10.1000/xyz.1",
        "published": "2023-05-02",
    }


def test_page_numbers_and_running_heads_over_many_pages_stay_out(tmp_path):
    specs = article(6)
    doc = read_document(make_pdf(tmp_path / "article.pdf", specs))
    assert doc.text == known_text(specs)
    assert "Journal of Tests" not in doc.text


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_rotated_page_reads_right_with_boxes_inside_the_displayed_page(tmp_path, degrees):
    specs = [page(KNOWN_ONE_COLUMN), page(*KNOWN_TWO_COLUMNS)]
    path = make_pdf(tmp_path / "rotated.pdf", specs, rotate={1: degrees})
    doc = read_document(path)
    assert doc.text == known_text(specs)
    layout = doc.pages
    assert layout.page_sizes[1] == (612.0, 792.0)  # as displayed (portrait), whatever the MediaBox
    start = doc.text.index("Left column")
    x0, y0, _, _ = layout.box(start)
    assert layout.char_pages[start] == 1 and 60 < x0 < 80 and 60 < y0 < 90  # top left, as it is seen
    for i in range(len(doc.text)):
        if layout.char_pages[i] != NO_PAGE:
            w, h = layout.page_sizes[layout.char_pages[i]]
            bx0, by0, bx1, by1 = layout.box(i)
            assert 0 <= bx0 <= bx1 <= w and 0 <= by0 <= by1 <= h


def test_an_encrypted_pdf_needs_its_password_which_is_never_kept(tmp_path):
    secret = "s3cret-Pa55"
    path = make_pdf(tmp_path / "locked.pdf", [page(KNOWN_ONE_COLUMN)], encrypt_password=secret)
    with pytest.raises(PasswordNeeded) as asked:
        read_document(path)
    assert asked.value.file_name == "locked.pdf" and not asked.value.wrong and "locked.pdf" in str(asked.value)
    with pytest.raises(PasswordNeeded) as wrong:
        read_document(path, password="guess")
    assert wrong.value.wrong and "does not open" in str(wrong.value) and "guess" not in str(wrong.value)
    doc = read_document(path, password=secret)
    assert doc.text == known_text([page(KNOWN_ONE_COLUMN)])
    kept = pickle.dumps(
        (doc.title, doc.authors, doc.text, doc.warnings, doc.pages.to_bytes(), asked.value, wrong.value)
    )
    assert secret.encode() not in kept and secret not in repr(vars(asked.value)) + repr(vars(wrong.value))


def test_an_image_only_pdf_is_refused_by_name(tmp_path):
    path = make_pdf(tmp_path / "scan.pdf", [page(KNOWN_ONE_COLUMN)], image_only=True)
    with pytest.raises(ValidationError, match=r"^scan\.pdf has no text layer \(a scanned PDF\?\).*run OCR"):
        read_document(path)


def test_some_pages_without_text_are_a_warning(tmp_path):
    from curator.io.pdf_text import read_pdf

    text_pdf = make_pdf(tmp_path / "t.pdf", [page(KNOWN_ONE_COLUMN)]).read_bytes()
    scan_pdf = make_pdf(tmp_path / "s.pdf", [page(KNOWN_ONE_COLUMN)], image_only=True).read_bytes()
    merged = pdfium.PdfDocument.new()
    merged.import_pages(pdfium.PdfDocument(text_pdf))
    merged.import_pages(pdfium.PdfDocument(scan_pdf))
    merged.save(tmp_path / "half.pdf")
    read = read_pdf((tmp_path / "half.pdf").read_bytes(), "half.pdf")
    assert read["text"] == known_text([page(KNOWN_ONE_COLUMN)])
    assert read["warnings"] == ("1 of its 2 pages had no text layer (scanned?), so their text is missing",)


@pytest.mark.parametrize(
    "mangle, words",
    [
        (lambda raw: raw[: len(raw) // 2], "truncated"),
        (lambda raw: b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n", "could not be read"),
        (lambda raw: b"PK\x03\x04 not a pdf at all" * 10, "not a PDF"),
    ],
    ids=["truncated", "garbage", "not-a-pdf"],
)
def test_damaged_files_are_refused_in_one_sentence(tmp_path, mangle, words):
    raw = make_pdf(tmp_path / "good.pdf", [page(KNOWN_ONE_COLUMN)]).read_bytes()
    (tmp_path / "bad.pdf").write_bytes(mangle(raw))
    with pytest.raises(CuratorError) as refused:
        read_document(tmp_path / "bad.pdf")
    message = str(refused.value)
    assert message.startswith("bad.pdf: ") and words in message and "\n" not in message and "Traceback" not in message


def test_javascript_and_attachments_are_imported_with_a_warning_never_run_or_extracted(tmp_path):
    path = make_pdf(tmp_path / "active.pdf", [page(KNOWN_ONE_COLUMN)], javascript=True, attachment=True)
    doc = read_document(path)
    assert doc.text == known_text([page(KNOWN_ONE_COLUMN)])
    assert doc.warnings == ("its JavaScript was not run", "its embedded files were not extracted")
    assert not any(p.name != "active.pdf" for p in tmp_path.iterdir())  # nothing extracted beside it


def test_the_layout_survives_storage(mixed):
    layout = mixed[2].pages
    again = PageLayout.from_bytes(layout.to_bytes())
    assert again.page_sizes == layout.page_sizes and again.char_pages == layout.char_pages
    assert again.char_boxes == layout.char_boxes


def _pdfium_boxes(pdf: bytes) -> list[set[tuple[float, float, float, float]]]:
    """PDFium's own tight glyph boxes per page, y flipped to the top-left origin (unrotated pages)."""
    out = []
    doc = pdfium.PdfDocument(pdf)
    for p in range(len(doc)):
        pg = doc[p]
        h = pg.get_height()
        tp = pg.get_textpage()
        boxes = set()
        for i in range(tp.count_chars()):
            left, bottom, right, top = tp.get_charbox(i)
            boxes.add((round(left, 1), round(h - top, 1), round(right, 1), round(h - bottom, 1)))
        out.append(boxes)
    return out


@pytest.fixture(scope="module")
def glyph_boxes(mixed):
    return _pdfium_boxes(mixed[2].pdf)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_quote_is_the_exact_slice_and_its_boxes_cover_its_glyphs(mixed, glyph_boxes, data):
    text, layout = mixed[2].text, mixed[2].pages
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, min(len(text), start + 300)))
    assert text[start:end] == "".join(text[i] for i in range(start, end))
    rects = layout.boxes_for(start, end)
    for i in range(start, end):
        p = layout.char_pages[i]
        if p == NO_PAGE:
            assert text[i] in " \n"  # only the spaces and breaks the import put stand on no page
            continue
        x0, y0, x1, y1 = layout.box(i)
        w, h = layout.page_sizes[p]
        assert 0 <= x0 <= x1 <= w and 0 <= y0 <= y1 <= h
        # the box is the one PDFium gives for a glyph on that page (a ligature's letters share it)
        assert (round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)) in glyph_boxes[p]
        assert any(
            rp == p and rx0 - 0.01 <= x0 and x1 <= rx1 + 0.01 and ry0 - 0.01 <= y0 and y1 <= ry1 + 0.01
            for rp, (rx0, ry0, rx1, ry1) in rects
        ), (i, text[i])


def test_curator_import_stores_a_pdf_through_the_cli(tmp_path, capsys):
    from curator.cli import main
    from curator.core.session import open_session

    path = make_pdf(tmp_path / "paper.pdf", chromed((KNOWN_ONE_COLUMN,), KNOWN_TWO_COLUMNS), title="Paper")
    db = tmp_path / "p.sqlite3"
    assert main(["--db", str(db), "import", str(path)]) == 0, capsys.readouterr()
    s = open_session(str(db))
    try:
        doc_id = s.documents.find_by_sha256(hashlib.sha256(path.read_bytes()).hexdigest())
        assert doc_id is not None, "the PDF was not stored"
        assert s.documents.pdf_bytes(doc_id) == path.read_bytes()
        layout = s.documents.page_layout(doc_id)
        assert layout is not None and layout.page_count == 2
    finally:
        s.close()


def test_a_folder_import_asks_for_a_pdfs_password_again_after_a_wrong_one(session, tmp_path):
    from curator.io.document_files import import_documents

    make_pdf(tmp_path / "locked.pdf", [page(KNOWN_ONE_COLUMN)], encrypt_password="right")
    make_pdf(tmp_path / "other.pdf", [page(KNOWN_ONE_COLUMN)], encrypt_password="other")
    answers = {"locked.pdf": ["wrong", "right"], "other.pdf": [None]}
    asked = []

    def ask(needed):
        asked.append((needed.file_name, needed.wrong))
        return answers[needed.file_name].pop(0)

    summary = import_documents(session, [tmp_path], ask_password=ask)
    assert asked == [("locked.pdf", False), ("locked.pdf", True), ("other.pdf", False)]
    assert [p.name for p, _ in summary.imported] == ["locked.pdf"]
    assert [p.name for p, _ in summary.refused] == ["other.pdf"] and "password" in summary.refused[0][1]


@pytest.mark.parametrize("rotate", [0, 90])
def test_the_pages_text_in_one_call_reads_as_one_call_per_character(tmp_path, monkeypatch, mixed, rotate):
    """The fast path (a page's text from FPDFText_GetText) gives what asking each character gives."""
    import pypdfium2.raw as pdfium_c

    from curator.io.pdf_text import read_pdf

    files = [mixed[0], make_pdf(tmp_path / "art.pdf", article(4), rotate=rotate)]
    fast = [read_pdf(f.read_bytes(), f.name) for f in files]
    monkeypatch.setattr(pdfium_c, "FPDFText_GetText", lambda *args: 0)  # every page takes the slow path
    slow = [read_pdf(f.read_bytes(), f.name) for f in files]
    for a, b in zip(fast, slow, strict=True):
        assert a["text"] == b["text"] and a["pages"].to_bytes() == b["pages"].to_bytes()


def test_a_compound_broken_after_its_own_hyphen_keeps_it_when_the_document_writes_it_so(tmp_path):
    # PDFium reports a compound's own hyphen at a line end as a hyphen, like a typesetter's: the
    # document's own spelling elsewhere decides ("double-blind" inside a line, never "doubleblind")
    lines = [
        "Two double-blind trials were run in",
        "clinics; several other double-",
        "blind studies agreed. The micro-",
        "biome of each microbiome donor was",
        "sampled, and the hyphen-",
        "ated word has no other spelling.",
    ]
    specs = [page(lines)]
    doc = read_document(make_pdf(tmp_path / "compounds.pdf", specs))
    assert doc.text == known_text(specs)
    assert "several other double-blind studies" in doc.text
    assert "The microbiome of each" in doc.text and "hyphenated word" in doc.text
