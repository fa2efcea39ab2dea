"""PDFs the tests make themselves from known text (issue 14), with reportlab.

`make_pdf(path, pages, …)` lays each page out from a spec: one or two columns of lines side by side,
an optional running header and footer and a page number. `known_text(pages)` is the canonical text
Curator's import must produce from those pages, chrome left out. The rules it encodes — the same
ones curator/io/pdf_text.py applies to the glyphs:

- lines of one paragraph are joined with one space; an empty line "" in a column is a paragraph gap
  (extra vertical space), and paragraphs are separated by "\\n\\n";
- a line that ends with "-" after a letter, followed by a line that starts with a lowercase letter,
  is a word hyphenated at the line end: the hyphen is dropped and the word joined (any other hyphen
  ending a line is kept and the next line joined without a space: "Smith-" / "Jones"). reportlab can only
  draw a hard "-" (it cannot mark a PDFium soft hyphen), and PDFium cannot tell the two apart at a
  line end either: a compound broken after its own hyphen ("double-" / "blind") keeps it only when
  the document writes the compound with its hyphen inside a line elsewhere and never as one word;
- at a column or page boundary the text goes on with a space (a sentence crossing it reads whole),
  unless the text before ends a sentence (. ! ? :), then a new paragraph starts;
- presentation forms (ﬁ, ﬂ, ﬀ, ﬃ, ﬄ, ﬅ, ﬆ and the rest of U+FB00–FB4F) are folded by NFKC;
  other characters (Greek, NBSP) stay as they are;
- headers, footers and page numbers are not in the text.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT = "DejaVuSans"
FONT_SIZE = 10
LEADING = 14
MARGIN = 72
GUTTER = 24
HEADER_FROM_TOP = 40
FOOTER_FROM_BOTTOM = 40
NUMBER_FROM_BOTTOM = 28


@dataclass
class PageSpec:
    columns: list[list[str]]  # one or two columns, each a list of lines; "" is a paragraph gap
    header: str = ""
    footer: str = ""
    number: int | None = None  # the page number printed at the bottom centre (None: none)
    size: tuple[float, float] = (612.0, 792.0)  # US Letter, as displayed


def page(*columns: list[str], header: str = "", footer: str = "", number: int | None = None, size=None) -> PageSpec:
    return PageSpec([list(c) for c in columns], header, footer, number, size or (612.0, 792.0))


def _as_spec(p) -> PageSpec:
    if isinstance(p, PageSpec):
        return p
    if isinstance(p, dict):
        return PageSpec(
            [list(c) for c in p["columns"]],
            p.get("header", ""),
            p.get("footer", ""),
            p.get("number"),
            tuple(p.get("size", (612.0, 792.0))),
        )
    raise TypeError(f"a page spec is a PageSpec or a dict, not {type(p).__name__}")


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, FONT_PATH))


def _rotation_for(rotate, index: int) -> int:
    if rotate is None:
        return 0
    if isinstance(rotate, int):
        return rotate % 360
    return int(rotate.get(index, 0)) % 360


def make_pdf(
    path,
    pages,
    *,
    title: str = "",
    author: str = "",
    encrypt_password: str | None = None,
    rotate: int | dict[int, int] | None = None,
    image_only: bool = False,
    javascript: bool = False,
    attachment: bool = False,
) -> Path:
    """Write a PDF laid out from `pages` (PageSpec or dicts); see the module docstring.

    `rotate`: degrees (90/180/270) for every page, or {page index: degrees}; the page gets /Rotate
    and its content is drawn turned back, so it reads upright as displayed (a landscape page).
    `image_only`: every page is a picture of its text, with no text layer (a scan).
    `javascript`: an OpenAction that would run JavaScript; `attachment`: one embedded file."""
    from reportlab.pdfgen import canvas

    _register_font()
    path = Path(path)
    specs = [_as_spec(p) for p in pages]
    kwargs = {}
    if encrypt_password is not None:
        kwargs["encrypt"] = encrypt_password
    c = canvas.Canvas(str(path), pagesize=specs[0].size if specs else (612, 792), **kwargs)
    if title:
        c.setTitle(title)
    if author:
        c.setAuthor(author)
    for index, spec in enumerate(specs):
        width, height = spec.size
        degrees = _rotation_for(rotate, index)
        # The unrotated page (MediaBox) is what the content is drawn on; /Rotate turns it for display.
        media = (height, width) if degrees in (90, 270) else (width, height)
        c.setPageSize(spec.size)  # reportlab itself swaps the MediaBox for /Rotate 90 and 270
        c.setPageRotation(degrees)
        c.saveState()
        _turn_back(c, degrees, media)
        if image_only:
            c.drawImage(_picture_of(spec), 0, 0, width, height)
        else:
            _draw_page(c, spec)
        c.restoreState()
        c.showPage()
    if javascript:
        _add_javascript(c)
    if attachment:
        _add_attachment(c)
    c.save()
    return path


def _turn_back(c, degrees: int, media: tuple[float, float]) -> None:
    """Transform so drawing in displayed coordinates (origin bottom left) lands upright on screen."""
    mw, mh = media
    if degrees == 90:  # shown turned clockwise: the media's left edge is the displayed top
        c.transform(0, 1, -1, 0, mw, 0)
    elif degrees == 180:
        c.transform(-1, 0, 0, -1, mw, mh)
    elif degrees == 270:
        c.transform(0, -1, 1, 0, 0, mh)


def column_boxes(spec: PageSpec) -> list[tuple[float, float]]:
    """Each column's x range on the displayed page."""
    width = spec.size[0]
    n = len(spec.columns)
    col_width = (width - 2 * MARGIN - (n - 1) * GUTTER) / n
    return [(MARGIN + k * (col_width + GUTTER), MARGIN + k * (col_width + GUTTER) + col_width) for k in range(n)]


def _draw_page(c, spec: PageSpec) -> None:
    width, height = spec.size
    c.setFont(FONT, FONT_SIZE)
    for (x0, _), lines in zip(column_boxes(spec), spec.columns, strict=True):
        y = height - MARGIN - FONT_SIZE
        for line in lines:
            if line:
                c.drawString(x0, y, line)
            y -= LEADING
    c.setFont(FONT, 8)
    if spec.header:
        c.drawString(MARGIN, height - HEADER_FROM_TOP, spec.header)
    if spec.footer:
        c.drawString(MARGIN, FOOTER_FROM_BOTTOM, spec.footer)
    if spec.number is not None:
        c.drawCentredString(width / 2, NUMBER_FROM_BOTTOM, str(spec.number))


def _picture_of(spec: PageSpec):
    """An image of the page's text at 100 dpi: what a scanner gives, with no text layer."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    scale = 100 / 72
    width, height = spec.size
    img = Image.new("L", (int(width * scale), int(height * scale)), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT_PATH, int(FONT_SIZE * scale))
    for (x0, _), lines in zip(column_boxes(spec), spec.columns, strict=True):
        y = MARGIN
        for line in lines:
            draw.text((x0 * scale, y * scale), line, fill=0, font=font)
            y += LEADING
    buf = io.BytesIO()
    img.save(buf, "PNG")
    buf.seek(0)
    return ImageReader(buf)


def _add_javascript(c) -> None:
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFString

    action = PDFDictionary({"Type": PDFName("Action"), "S": PDFName("JavaScript"), "JS": PDFString("app.alert('hi');")})
    c._doc.Catalog.OpenAction = c._doc.Reference(action)


def _add_attachment(c) -> None:
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString

    content = b"an attached file Curator must never extract\n"
    stream = PDFStream(PDFDictionary({"Type": PDFName("EmbeddedFile")}), content)
    stream.filters = []  # plain bytes, so the tests can see them in the file
    ref = c._doc.Reference(stream)
    spec = PDFDictionary({"Type": PDFName("Filespec"), "F": PDFString("notes.txt"), "EF": PDFDictionary({"F": ref})})
    tree = PDFDictionary({"Names": PDFArray([PDFString("notes.txt"), c._doc.Reference(spec)])})
    c._doc.Catalog.Names = c._doc.Reference(PDFDictionary({"EmbeddedFiles": c._doc.Reference(tree)}))


# ---- the text Curator must find -----------------------------------------------------------------

_TERMINAL = (".", "!", "?", ":")


def fold_forms(text: str) -> str:
    """NFKC for presentation forms only (ligatures and the like), everything else as it is."""
    return "".join(unicodedata.normalize("NFKC", ch) if _presentation(ch) else ch for ch in text)


def _presentation(ch: str) -> bool:
    o = ord(ch)
    return 0xFB00 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF or 0xFF00 <= o <= 0xFFEF


def _hyphenated(before: str, after: str) -> bool:
    return len(before) >= 2 and before.endswith("-") and before[-2].isalpha() and after[:1].islower()


def _word_sets(pages) -> tuple[set[str], set[str]]:
    """The compounds the pages write with their hyphen inside a line, and the words they write whole."""
    hyphenated, joined = set(), set()
    for spec in map(_as_spec, pages):
        for lines in spec.columns:
            for line in lines:
                for word in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", fold_forms(line)):
                    (hyphenated if "-" in word else joined).add(word.lower())
    return hyphenated, joined


def _keeps_hyphen(before: str, after: str, words: tuple[set[str], set[str]]) -> bool:
    head = re.search(r"[^\W\d_]+(?:-[^\W\d_]+)*$", before[:-1])
    tail = re.match(r"[^\W\d_]+", after)
    if head is None or tail is None:
        return False
    compound = f"{head.group()}-{tail.group()}".lower()
    return compound in words[0] and compound.replace("-", "") not in words[1]


def known_text(pages) -> str:
    """The canonical text for `pages`: the rules in the module docstring, chrome left out."""
    pages = list(pages)
    words = _word_sets(pages)
    paragraphs: list[str] = []
    current = ""
    at_boundary = False  # the next line starts a new column or page
    for spec in map(_as_spec, pages):
        for lines in spec.columns:
            at_boundary = True
            for line in lines:
                line = fold_forms(line).strip()
                if not line:
                    if current:
                        paragraphs.append(current)
                    current, at_boundary = "", False
                    continue
                if not current:
                    current = line
                elif at_boundary and current.endswith(_TERMINAL):
                    paragraphs.append(current)
                    current = line
                elif _hyphenated(current, line) and not _keeps_hyphen(current, line, words):
                    current = current[:-1] + line
                elif current.endswith("-") and len(current) >= 2 and current[-2].isalnum():
                    current += line  # a hyphen kept at a line end ("Smith-" / "Jones") joins without a space
                else:
                    current += " " + line
                at_boundary = False
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


KNOWN_ONE_COLUMN = [
    "Curator reads the text layer of a PDF in the order a person",
    "reads it, and keeps for every character the page and the box",
    "where it stands.",
    "",
    "A second paragraph follows after a gap; its first sentence",
    "is short. Its second sentence has an eﬃcient ligature and a",
    "ﬂoating one, and ends here.",
]

KNOWN_TWO_COLUMNS = (
    [
        "Left column text comes first and it",
        "goes on for a few lines before the",
        "column ends in the middle of a sen-",
        "tence that continues in the right",
    ],
    [
        "column, where the reader expects it.",
        "",
        "The right column then holds a new",
        "paragraph with Greek letters: α, β",
        "and γ, read after the left column.",
    ],
)

KNOWN_HYPHENATED = [
    "Words broken across a line end are hy-",
    "phenated by the typesetter; the canonical",
    "text joins them back into one word, so a",
    "search for hyphenated finds it. The con-",
    "tinuation starts in lowercase.",
]

KNOWN_LIGATURES = [
    "The ﬁrst ﬁgure shows a ﬂat proﬁle; the",
    "eﬀect is signiﬁcant in the oﬄine test.",
]


def article(n_pages: int, *, two_columns: bool = True, header: str = "Journal of Tests 12 (2024)") -> list[PageSpec]:
    """A longer made-up article: running header, footer and page numbers on every page; sentences
    flow across columns and pages. Used by the tests and bench/pdf.py."""
    specs = []
    for p in range(n_pages):
        cols = []
        for c in range(2 if two_columns else 1):
            lines = []
            for k in range(40):
                w = (p * 97 + c * 41 + k * 7) % 5
                lines.append(f"p{p + 1} c{c} line {k} says word{w} and more")
                if k % 12 == 11:
                    lines[-1] += "."
                    lines.append("")
            cols.append(lines[:46])
        specs.append(page(*cols, header=header, footer="doi:10.1234/jt.2024.5678", number=p + 1))
    return specs
