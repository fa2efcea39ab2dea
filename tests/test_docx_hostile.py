"""Hand-made hostile .docx files: each refused by name in one sentence, quickly, in bounded memory,
with nothing written; and the lies a zip can tell (sizes, methods, names, counts) never trusted."""

import random
import string
import struct
import time
import tracemalloc
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest

from curator.core.errors import ValidationError
from curator.core.models import Document, DocumentEntity
from curator.io import docx_text
from curator.io.document_files import import_documents, read_document

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
RELS_NS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
CORE_NS = (
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)
ENTITY = '<!DOCTYPE d [<!ENTITY inj "INJECTED-ENTITY-TEXT">]>'
PROLOG_DTD = '<?xml version="1.0" encoding="UTF-8"?>' + ENTITY


def body(inner: str, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    return f"{prolog}<w:document {NS}><w:body>{inner}</w:body></w:document>"


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


PLAIN = body(para("A plain paragraph."))


def write_docx(path: Path, parts, method=zipfile.ZIP_DEFLATED) -> Path:
    """Write parts ({name: str | bytes} or [(name, data)], duplicates allowed) as a zip."""
    items = parts.items() if isinstance(parts, dict) else parts
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", method) as z:
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names; that is the point
        for name, data in items:
            z.writestr(name, data)
    return path


def central_entry(raw: bytes, name: str) -> int:
    """Offset of the central directory record for name."""
    at = raw.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + length] == name.encode():
            return at
        at = raw.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{name} not in the zip's directory")


def patch(path: Path, name: str, **fields) -> Path:
    """Overwrite fields of name's central directory record: the directory is what readers trust."""
    offsets = {"flags": (8, "<H"), "method": (10, "<H"), "crc": (16, "<I"), "csize": (20, "<I"), "usize": (24, "<I")}
    raw = bytearray(path.read_bytes())
    at = central_entry(bytes(raw), name)
    for field, value in fields.items():
        offset, fmt = offsets[field]
        struct.pack_into(fmt, raw, at + offset, value)
    path.write_bytes(bytes(raw))
    return path


def understated(path: Path) -> Path:
    """The issue's file: the directory says 4,000 bytes, the member inflates to ~64 MB."""
    filler = para("x" * 60) * 800_000
    write_docx(path, {"word/document.xml": body(filler)})
    return patch(path, "word/document.xml", usize=4000)


def ratio_bomb(path: Path) -> Path:
    """Honest-looking sizes (150 MB from 2 MB) whose real packed data is a few hundred KB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w") as part:
            part.write(body("").encode()[:-22])
            for _ in range(100):
                part.write(b"<w:p/>" * 250_000)  # 150 MB in all, a few hundred KB packed
            part.write(b"</w:body></w:document>")
        z.writestr("word/media/padding.bin", bytes(range(256)) * 8192, zipfile.ZIP_STORED)
    return patch(path, "word/document.xml", csize=2 * 1024**2)


def nested(depth: int, leaf: str = "<w:r><w:t>deep</w:t></w:r>") -> str:
    return body("<w:p>" * depth + leaf + "</w:p>" * depth)


def utf16(text: str, codec: str) -> bytes:
    """UTF-16 with the declaration saying so; codec "utf-16" adds a BOM, -le/-be do not."""
    return text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(codec)


def local_name_differs(path: Path) -> Path:
    """The local header names another part than the directory does (readers disagree on content)."""
    write_docx(path, {"word/document.xml": PLAIN})
    raw = path.read_bytes()
    at = raw.find(b"PK\x03\x04")
    path.write_bytes(raw[: at + 30] + b"word/documenX.xml" + raw[at + 30 + len("word/document.xml") :])
    return path


def broken_directory(path: Path) -> Path:
    """A valid end record pointing at a directory that is not there (zipfile raises BadZipFile)."""
    write_docx(path, {"word/document.xml": PLAIN})
    raw = bytearray(path.read_bytes())
    raw[central_entry(bytes(raw), "word/document.xml")] = ord("X")
    path.write_bytes(bytes(raw))
    return path


HOSTILE = {
    "understated.docx": (understated, "holds more than its zip directory declares"),
    "ratio.docx": (ratio_bomb, "more than 100 times its packed size"),
    "deflate64.docx": (
        lambda p: patch(write_docx(p, {"word/document.xml": PLAIN}), "word/document.xml", method=9),
        "uses a compression Word does not write (method 9); save it again from Word",
    ),
    "bzip2.docx": (
        lambda p: write_docx(p, {"word/document.xml": PLAIN}, zipfile.ZIP_BZIP2),
        "uses a compression Word does not write (method 12)",
    ),
    "locked.docx": (
        lambda p: patch(write_docx(p, {"word/document.xml": PLAIN}), "word/document.xml", flags=1),
        "is password-protected; remove the password in Word and import it again",
    ),
    "checksum.docx": (
        lambda p: patch(write_docx(p, {"word/document.xml": PLAIN}), "word/document.xml", crc=1234),
        "fails its checksum",
    ),
    "short.docx": (
        lambda p: patch(write_docx(p, {"word/document.xml": PLAIN}), "word/document.xml", usize=100_000),
        "shorter than its zip directory declares",
    ),
    "traversal.docx": (
        lambda p: write_docx(p, {"word/document.xml": PLAIN, "../../evil.xml": "<x/>"}),
        "holds a part named '../../evil.xml' outside the document",
    ),
    "absolute.docx": (
        lambda p: write_docx(p, {"word/document.xml": PLAIN, "/tmp/curator-evil.xml": "<x/>"}),
        "holds a part named '/tmp/curator-evil.xml' outside the document",
    ),
    "backslash.docx": (
        lambda p: write_docx(p, {"word/document.xml": PLAIN, "..\\evil.xml": "<x/>"}),
        "outside the document",
    ),
    "crowd.docx": (
        lambda p: write_docx(p, [("word/document.xml", PLAIN)] + [(f"word/media/i{n}.png", "") for n in range(6000)]),
        "holds 6,001 parts, more than a Word document plausibly has",
    ),
    "missing.docx": (
        lambda p: write_docx(p, {"word/other.xml": PLAIN}),
        "a zip file but not a Word document (no word/document.xml)",
    ),
    "twice.docx": (
        lambda p: write_docx(p, [("word/document.xml", PLAIN), ("word/document.xml", body(para("other text")))]),
        "holds word/document.xml twice",
    ),
    "twice-case.docx": (
        lambda p: write_docx(p, [("word/document.xml", PLAIN), ("WORD/Document.xml", body(para("other text")))]),
        "holds word/document.xml twice",
    ),
    "notxml.docx": (lambda p: write_docx(p, {"word/document.xml": "this is not XML"}), "is not well-formed XML"),
    "emptyxml.docx": (lambda p: write_docx(p, {"word/document.xml": ""}), "is not well-formed XML"),
    "depth.docx": (lambda p: write_docx(p, {"word/document.xml": nested(100_000)}), "nests elements more than"),
    "header.docx": (local_name_differs, "damaged"),
    "directory.docx": (broken_directory, "damaged"),
    "entity16.docx": (
        lambda p: write_docx(p, {"word/document.xml": utf16(body(para("A&inj;B"), PROLOG_DTD), "utf-16-le")}),
        "declares XML entities",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_docx_is_refused_in_one_sentence_naming_the_file(tmp_path, name):
    make, message = HOSTILE[name]
    path = make(tmp_path / name)
    started = time.perf_counter()
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as refused:
            read_document(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    text = str(refused.value)
    assert text.startswith(f"{name}: ") and message in text, text
    assert "\n" not in text and "Traceback" not in text and len(text) < 300
    assert time.perf_counter() - started < 5 and peak < 40 * 1024**2, (time.perf_counter() - started, peak)


def test_an_understated_member_costs_neither_time_nor_memory(tmp_path):
    path = understated(tmp_path / "understated.docx")
    assert path.stat().st_size < 3 * 1024**2  # the 2 MB file that cost 2.1 GB and 12 s
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ValidationError, match=r"^understated\.docx: word/document\.xml holds more than"):
            docx_text.read_docx(path)
        elapsed, peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 0.5 and peak < 2 * 1024**2, (elapsed, peak)


def test_refusals_write_nothing_to_the_project_or_the_disk(session, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    names = ["traversal.docx", "absolute.docx", "deflate64.docx", "locked.docx", "entity16.docx", "notxml.docx"]
    for name in names:
        HOSTILE[name][0](folder / name)
    before = (Document.select().count(), DocumentEntity.select().count())
    on_disk = sorted(tmp_path.parent.rglob("*"))
    summary = import_documents(session, sorted(folder.iterdir()))
    assert sorted(p.name for p, _ in summary.refused) == sorted(names) and not summary.imported
    assert all(message.startswith(f"{p.name}: ") for p, message in summary.refused)
    assert (Document.select().count(), DocumentEntity.select().count()) == before
    assert sorted(tmp_path.parent.rglob("*")) == on_disk
    assert not Path("/tmp/curator-evil.xml").exists()


# Every XML part read, in every encoding a declaration or BOM can name, refuses a DTD.
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"]


def encode(text: str, codec: str) -> bytes:
    return text.encode(codec) if codec.startswith("utf-8") else utf16(text, codec)


@pytest.mark.parametrize("codec", ENCODINGS)
@pytest.mark.parametrize("part", ["word/document.xml", "docProps/core.xml", "word/_rels/document.xml.rels"])
def test_entity_declarations_are_refused_in_every_part_and_encoding(tmp_path, part, codec):
    hostile = {
        "word/document.xml": body(para("A&inj;B"), PROLOG_DTD),
        "docProps/core.xml": f"{PROLOG_DTD}<cp:coreProperties {CORE_NS}><dc:title>&inj;</dc:title></cp:coreProperties>",
        "word/_rels/document.xml.rels": f"{PROLOG_DTD}<Relationships {RELS_NS}>"
        '<Relationship Id="rId1" Target="&inj;"/></Relationships>',
    }
    parts = {"word/document.xml": PLAIN, part: encode(hostile[part], codec)}
    path = write_docx(tmp_path / "entity.docx", parts)
    with pytest.raises(ValidationError, match=r"^entity\.docx: declares XML entities"):
        read_document(path)


@pytest.mark.parametrize("codec", ENCODINGS)
def test_word_xml_in_any_declared_encoding_is_read(tmp_path, codec):
    xml = body(para("Crème brûlée 🧪") + para("second"))
    core = f'<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties {CORE_NS}><dc:title>Tïtle</dc:title></cp:coreProperties>'
    path = write_docx(
        tmp_path / "enc.docx", {"word/document.xml": encode(xml, codec), "docProps/core.xml": encode(core, codec)}
    )
    doc = read_document(path)
    assert doc.text == "Crème brûlée 🧪\n\nsecond\n" and doc.title == "Tïtle"


def test_nesting_within_the_bound_is_read_once_per_paragraph(tmp_path):
    # Runs inside a hyperlink were collected from every depth, so nested paragraphs were counted once
    # per enclosing hyperlink: quadratic text from a linear file.
    depth = 60  # two elements a level: within MAX_DEPTH
    xml = "".join(f"<w:p><w:hyperlink><w:r><w:t>L{n} </w:t></w:r>" for n in range(depth))
    xml += "</w:hyperlink></w:p>" * depth
    doc = read_document(write_docx(tmp_path / "nested.docx", {"word/document.xml": body(xml)}))
    assert doc.text.split() == [f"L{n}" for n in range(depth)]
    assert len(doc.text) < 10 * depth


def legitimate_docx(path: Path, paragraphs: int) -> Path:
    """A plausible long report: varied text (packs ~5x, like Word's), headings, bold runs, lists, links, tables."""
    rng = random.Random(paragraphs)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 11))) for _ in range(5000)]
    out = []
    for n in range(paragraphs):
        text = " ".join(rng.choices(words, k=rng.randint(8, 40))) + f" ({rng.randint(1, 999)})."
        rsid = f"{rng.getrandbits(32):08X}"
        if n % 50 == 0:
            out.append(f'<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Section {n}</w:t></w:r></w:p>')
        elif n % 7 == 0:
            out.append(f'<w:p><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>')
        elif n % 11 == 0:
            out.append(f"<w:tbl><w:tr><w:tc>{para(text)}</w:tc><w:tc>{para(str(n))}</w:tc></w:tr></w:tbl>")
        else:
            out.append(
                f'<w:p w:rsidR="{rsid}"><w:r w:rsidR="{rsid}"><w:t xml:space="preserve">{text} </w:t></w:r>'
                f'<w:r><w:rPr><w:b/></w:rPr><w:t>bold {n}</w:t></w:r><w:hyperlink r:id="rId1"><w:r><w:t> link</w:t></w:r>'
                "</w:hyperlink></w:p>"
            )
    rels = f'<Relationships {RELS_NS}><Relationship Id="rId1" Target="https://example.org/"/></Relationships>'
    return write_docx(path, {"word/document.xml": body("".join(out)), "word/_rels/document.xml.rels": rels})


def test_a_long_document_reads_in_linear_time(tmp_path):
    small = legitimate_docx(tmp_path / "small.docx", 10_000)
    large = legitimate_docx(tmp_path / "large.docx", 40_000)
    timings = []
    for path in (small, large):
        started = time.perf_counter()
        doc = docx_text.read_docx(path)
        timings.append(time.perf_counter() - started)
    assert doc.text.count("\n") >= 40_000 and sum(r.kind == "link" for r in doc.styles) > 25_000
    assert timings[1] < 8 * timings[0] + 0.5, timings  # 4x the input: well under quadratic


def test_zlib_errors_inside_a_member_are_damage_not_a_traceback(tmp_path):
    path = write_docx(tmp_path / "garbled.docx", {"word/document.xml": PLAIN * 50})
    raw = bytearray(path.read_bytes())
    start = raw.find(b"PK\x03\x04") + 30 + len("word/document.xml")
    raw[start : start + 40] = zlib.compress(b"junk")[:40].ljust(40, b"\xff")
    path.write_bytes(bytes(raw))
    with pytest.raises(ValidationError, match=r"^garbled\.docx: damaged"):
        read_document(path)


def test_markup_that_ends_no_paragraph_is_bounded(tmp_path, monkeypatch):
    # Everything inside an open paragraph stays in memory until it ends; one endless paragraph (or
    # junk between paragraphs) is refused rather than held.
    monkeypatch.setattr(docx_text, "MAX_PARAGRAPH", 256 * 1024)
    rng = random.Random(7)
    runs = "".join(f"<w:r><w:t>{rng.getrandbits(64):x}</w:t></w:r>" for _ in range(20_000))
    endless = write_docx(tmp_path / "endless.docx", {"word/document.xml": body(f"<w:p>{runs}</w:p>")})
    with pytest.raises(ValidationError, match=r"^endless\.docx: word/document\.xml holds more than 0.25 MB of markup"):
        docx_text.read_docx(endless)
    junk = "".join(f"<w:bookmarkStart w:id='{rng.getrandbits(64)}'/>" for _ in range(20_000))
    between = write_docx(tmp_path / "between.docx", {"word/document.xml": body(para("a") + junk + para("b"))})
    with pytest.raises(ValidationError, match=r"^between\.docx: .* in one paragraph"):
        docx_text.read_docx(between)
    fine = write_docx(tmp_path / "fine.docx", {"word/document.xml": body("".join(para(str(n)) for n in range(20_000)))})
    assert docx_text.read_docx(fine).text.split() == [str(n) for n in range(20_000)]
