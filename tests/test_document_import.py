"""Importing reviewers' own files: formats, encodings, refusals, metadata, entities, duplicates."""

import socket
import sys
import zipfile
from pathlib import Path

import pytest

from curator.cli import main
from curator.core.models import Document, DocumentEntity
from curator.core.session import open_session
from curator.io import document_files
from curator.io.decode import EncodingNeeded
from curator.io.document_files import import_documents, read_document

pytestmark = pytest.mark.both_backends

FIXTURES = Path(__file__).parent / "fixtures" / "documents"
SEED_002 = next((Path(__file__).parents[1] / "seeds").glob("002_*.txt"))


def styled(doc, kind):
    return [doc.text[r.start : r.end] for r in doc.styles if r.kind == kind]


@pytest.mark.parametrize(
    "raw,encoding",
    [
        ("\ufeffcrème brûlée\r\n".encode("utf-8"), "utf-8 (BOM)"),
        ("crème brûlée\r\n".encode("utf-16"), "utf-16 (BOM)"),
        ("crème brûlée\r\n".encode(), "utf-8"),
    ],
)
def test_boms_and_utf8_are_read_without_asking(tmp_path, raw, encoding):
    path = tmp_path / "note.txt"
    path.write_bytes(raw)
    doc = read_document(path)
    assert doc.text == "crème brûlée\n" and doc.encoding == encoding


def test_text_that_is_not_utf8_needs_a_confirmed_encoding_which_is_recorded(session, tmp_path, capsys):
    path = tmp_path / "legacy.txt"
    path.write_bytes("A naïve crème study\r\nwith café staff.\r\n".encode("cp1252"))
    with pytest.raises(EncodingNeeded) as needed:
        read_document(path)
    previews = needed.value.previews()
    assert previews["cp1252"].startswith("A naïve crème") and previews["cp1250"] != previews["cp1252"]
    summary = import_documents(session, [path])
    assert summary.refused and "--encoding" in summary.refused[0][1] and session.documents.count() == 5
    asked = []
    summary = import_documents(session, [path], choose_encoding=lambda n: asked.append(n.name) or "cp1252")
    assert asked == ["legacy.txt"] and len(summary.imported) == 1
    doc = session.documents.get(summary.imported[0][1])
    assert doc.text == "A naïve crème study\nwith café staff.\n" and doc.encoding == "cp1252"


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("empty.txt", b"  \n", "the file is empty"),
        ("binary.txt", b"PK\x03\x04\x00\x00binary", "NUL bytes"),
        ("photo.png", b"\x89PNG\r\n", "not a kind of file Curator imports"),
        ("big.md", b"x" * 2048, "over the"),
        ("fake.docx", b"not a zip at all", "not a Word document"),
        ("bad.txt", b"caf\xe9", "not UTF-8"),
    ],
)
def test_refused_files_are_named_and_leave_the_database_unchanged(
    session, tmp_path, monkeypatch, name, content, message
):
    monkeypatch.setattr(document_files, "MAX_BYTES", 1024)
    path = tmp_path / name
    path.write_bytes(content)
    before = (Document.select().count(), DocumentEntity.select().count())
    summary = import_documents(session, [path])
    assert [p.name for p, _ in summary.refused] == [name]
    assert name in summary.refused[0][1] and message in summary.refused[0][1]
    assert (Document.select().count(), DocumentEntity.select().count()) == before


def test_the_same_file_twice_is_recognised(session, tmp_path):
    path = tmp_path / "copy of seed.txt"
    path.write_bytes(SEED_002.read_bytes())
    summary = import_documents(session, [path])
    assert summary.duplicates and not summary.imported and session.documents.count() == 5


def test_markdown_keeps_its_text_and_gets_headings_lists_and_entities(session):
    doc_id = next(d.id for d in session.documents.summaries() if d.source_kind == "peer_reviewed")
    info = session.documents.get(doc_id)
    assert info.text == SEED_002.read_text(encoding="utf-8")  # offsets are offsets into the file
    styles = session.documents.styles(doc_id)
    headings = [info.text[r.start : r.end] for r in styles if r.kind.startswith("heading")]
    assert headings[:4] == [info.title, "TL;DR", "Contribution", "Key findings"]
    assert any(r.kind == "markup" and info.text[r.start : r.end] == "## " for r in styles)
    entities = session.documents.entities(doc_id)
    assert len(entities) > 100
    by_label = {e.label: e for e in entities if e.section == "Linked entities"}
    assert by_label["butyrate"].identifier == "PubChem:104775"
    assert by_label["multiple sclerosis"].identifier == "MONDO:0005301"
    assert by_label["Roseburia"].identifier == "NCBITaxon:841"
    genes = [e for e in entities if e.kind == "Genes"]
    assert genes[0].label == "NR1H4" and genes[0].identifier == "NCBIGene:9971"
    assert all(info.text[e.start : e.end] == e.label for e in entities)


def test_hostile_html_imports_as_text_with_nothing_read_or_fetched(session, monkeypatch):
    opened = []

    def audit(event, args):
        if event == "open" and args and isinstance(args[0], str) and args[0].startswith(("/etc/", "/dev/zero")):
            opened.append(args[0])

    sys.addaudithook(audit)

    def no_network(*args, **kwargs):
        raise AssertionError(f"network request attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    summary = import_documents(session, [FIXTURES / "hostile.html"])
    assert len(summary.imported) == 1, summary.lines()
    doc_id = summary.imported[0][1]
    doc = session.documents.get(doc_id)
    assert doc.title == "Probiotics and mood: a hostile page" and doc.format == "html"
    assert "document.location" not in doc.text and "background" not in doc.text and "fallback text" not in doc.text
    assert "A randomised trial of Lactobacillus found lower anxiety scores. [Figure 1]" in doc.text
    styles = session.documents.styles(doc_id)
    kinds = {(r.kind, doc.text[r.start : r.end], r.data) for r in styles}
    assert ("heading1", "Probiotics and mood", "") in kinds and ("bold", "randomised", "") in kinds
    assert ("link", "local file", "file:///etc/passwd") in kinds  # kept as data, never followed
    assert ("chrome", "advertisement", "") in kinds and ("chrome", "Top of page", "") in kinds
    assert opened == []


def make_docx(path: Path) -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>'
        '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Fibre and fatigue</w:t></w:r></w:p>'
        '<w:p><w:r><w:t xml:space="preserve">A </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>pilot</w:t></w:r>'
        '<w:r><w:t xml:space="preserve"> trial (</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>n</w:t></w:r>'
        '<w:r><w:t xml:space="preserve"> = 40) 🧪 reduced fatigue.</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>first point</w:t></w:r></w:p>'
        '<w:p><w:hyperlink r:id="rId9"><w:r><w:t>the registry</w:t></w:r></w:hyperlink></w:p>'
        "</w:body></w:document>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
        'Target="https://clinicaltrials.gov/x" TargetMode="External"/></Relationships>'
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
        "<dc:title>Fibre and fatigue in MS</dc:title><dc:creator>A. Author</dc:creator>"
        "<dcterms:created>2025-03-04T10:00:00Z</dcterms:created></cp:coreProperties>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        z.writestr("word/document.xml", body)
        z.writestr("word/_rels/document.xml.rels", rels)
        z.writestr("docProps/core.xml", core)


def test_word_documents_become_text_with_styles_and_metadata(tmp_path):
    path = tmp_path / "fibre.docx"
    make_docx(path)
    doc = read_document(path)
    assert (
        doc.text == "Fibre and fatigue\n\nA pilot trial (n = 40) 🧪 reduced fatigue.\n\n• first point\nthe registry\n"
    )
    assert (doc.title, doc.authors, doc.published, doc.format) == (
        "Fibre and fatigue in MS",
        "A. Author",
        "2025-03-04",
        "docx",
    )
    assert styled(doc, "heading1") == ["Fibre and fatigue"] and styled(doc, "bold") == ["pilot"]
    assert styled(doc, "italic") == ["n"] and styled(doc, "list_item") == ["first point"]
    assert [(doc.text[r.start : r.end], r.data) for r in doc.styles if r.kind == "link"] == [
        ("the registry", "https://clinicaltrials.gov/x")
    ]


def test_a_word_document_with_entity_declarations_is_refused(tmp_path):
    path = tmp_path / "laughs.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>')
    with pytest.raises(Exception, match="laughs.docx: declares XML entities"):
        read_document(path)


def test_a_folder_imports_every_supported_file_and_reports_the_rest(tmp_path, capsys):
    folder = tmp_path / "sources"
    (folder / "nested").mkdir(parents=True)
    (folder / "a.md").write_text("# Alpha study\n\nSome **bold** finding.\n", encoding="utf-8")
    (folder / "nested" / "b.html").write_text("<h1>Beta</h1><p>text</p>", encoding="utf-8")
    make_docx(folder / "nested" / "c.docx")
    (folder / "nested" / "picture.png").write_bytes(b"\x89PNG")  # not a document: skipped
    (folder / ".hidden.md").write_text("# secret", encoding="utf-8")
    (folder / "legacy.txt").write_bytes("Caf\xe9 workers".encode("latin-1"))
    db = tmp_path / "p.sqlite3"
    assert main(["--db", str(db), "import", str(folder)]) == 1  # one refused
    out = capsys.readouterr().out
    assert out.startswith("imported 3, already there 0, refused 1") and "--encoding" in out
    assert main(["--db", str(db), "import", str(folder / "legacy.txt"), "--encoding", "latin-1"]) == 0
    session = open_session(db)
    titles = {d.title: d for d in session.documents.infos()}
    assert {"Alpha study", "Beta", "Fibre and fatigue in MS", "Caf\u00e9 workers"} <= set(titles)
    assert titles["Caf\u00e9 workers"].encoding == "iso8859-1"
    session.close()


def test_positions_count_each_line_ending_of_the_file_as_one_character(tmp_path):
    """Mixed CR, CRLF and LF: the stored text is the file with every line ending made one LF,
    which is exactly what the README promises (it used to promise file positions)."""
    import re

    raw = "one\r\ntwo\rthree\nfour\r\n\r\nfive \u00e9\r\r\nsix"
    path = tmp_path / "mixed.txt"
    path.write_bytes(raw.encode("utf-8"))
    doc = read_document(path)
    assert doc.text == re.sub("\r\n?", "\n", raw) == "one\ntwo\nthree\nfour\n\nfive \u00e9\n\nsix"
    for word in ("two", "three", "four", "five", "six"):
        at = raw.index(word)
        assert doc.text.index(word) == at - raw[:at].count("\r\n")
    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8").split())
    assert "every line ending — CR LF, CR or LF — is stored as one LF" in readme
    assert "so a quote's position is also its position in the file" not in readme
