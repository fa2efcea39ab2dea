"""A PDF's text layer as one canonical text with each character's page and box (issue 14).

Runs only inside curator.io.sandbox's worker: PDFium (pypdfium2) parses untrusted bytes. Pages are
read one at a time and closed, and what is kept of a page is its lines' text and a compact array of
boxes, so a 2,000-page file costs memory in proportion to its text, not to its pages' objects.
Reading order, chrome and joins are curator.io.pdf_layout's; details from the file are pdf_meta's.

Refused, each with one sentence naming the file: an encrypted PDF without its password
(PasswordNeeded: the UI asks and calls again; the password is never stored, logged or put into an
error), a wrong password, a file that is not a PDF or is damaged or truncated, a PDF whose pages
have no text layer (a scan), and one over MAX_PAGES. JavaScript is never run (no form environment is
started, and pypdfium2's PDFium has no JavaScript engine) and embedded files are never extracted;
the import says so in its warnings. A caller waiting on the worker hears the pages read
(curator.io.sandbox.progress), so a 2,000-page file shows its progress and can be cancelled.
"""

from __future__ import annotations

import ctypes
import functools
import re
from collections import Counter

from curator.core.errors import PasswordNeeded, ValidationError
from curator.io import sandbox
from curator.io.pdf_layout import BREAK, GLYPH, HYPHEN, SPACE, Line, TextBuilder, build_lines, chrome_key, is_chrome
from curator.io.pdf_layout import reading_order as order_lines

MAX_PAGES = 5000
_ERR_PASSWORD = 4
_JS = re.compile(rb"/(?:JavaScript|JS)(?![A-Za-z0-9])")
_EMBEDDED = re.compile(rb"/EmbeddedFiles?(?![A-Za-z0-9])")


def _damaged(name: str, why: str = "it is damaged, truncated or not a PDF") -> ValidationError:
    return ValidationError(f"{name}: the PDF could not be read ({why}); get a complete copy of the file and try again")


def open_pdf(raw: bytes, name: str, password: str | None):
    """The PdfDocument, or the refusal in one sentence (PasswordNeeded for an encrypted one)."""
    import pypdfium2 as pdfium

    if b"%PDF-" not in raw[:1024]:
        raise _damaged(name, "it is not a PDF: it does not start like one")
    if b"%%EOF" not in raw[-16384:]:
        raise _damaged(name, "its end is missing: the file is truncated")
    try:
        doc = pdfium.PdfDocument(raw, password=password or None)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _ERR_PASSWORD:
            raise PasswordNeeded(name, wrong=bool(password)) from None
        raise _damaged(name) from None
    if len(doc) == 0:
        doc.close()
        raise _damaged(name, "it has no pages")
    return doc


def _display_matrix(page_raw, width: float, height: float) -> tuple[float, ...]:
    """The affine map from PDF user space to the displayed page (rotation and crop applied, top left
    origin), taken from PDFium's own page-to-device map so it agrees with what the Page view draws."""
    import pypdfium2.raw as pdfium_c

    scale = 64  # FPDF_PageToDevice gives whole device pixels: 1/64 pt is precise enough
    w, h = round(width * scale), round(height * scale)
    dx, dy = ctypes.c_int(), ctypes.c_int()

    def at(x: float, y: float) -> tuple[float, float]:
        pdfium_c.FPDF_PageToDevice(page_raw, 0, 0, w, h, 0, x, y, ctypes.byref(dx), ctypes.byref(dy))
        return dx.value / scale, dy.value / scale

    e, f = at(0.0, 0.0)
    ax, bx = at(1000.0, 0.0)
    cy, dy_ = at(0.0, 1000.0)
    return ((ax - e) / 1000, (bx - f) / 1000, (cy - e) / 1000, (dy_ - f) / 1000, e, f)


class _Calls:
    """PDFium's per-character box call through a bare function pointer: pypdfium2's bindings convert
    every argument through its declared type, which made FPDFText_GetCharBox take 2.5–3.5× as long
    (≈ 2 µs against 0.6 µs a character; a 300-page article has 900,000 characters)."""

    def __init__(self) -> None:
        import pypdfium2.raw as pdfium_c

        def bare(fn):
            f = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.cast(fn, ctypes.c_void_p).value)
            f.argtypes = None  # arguments go as they are: a c_void_p, an int, c_void_p pointers
            return f

        self.get_box = bare(pdfium_c.FPDFText_GetCharBox)
        self._box = (ctypes.c_double * 4)()  # left, right, bottom, top
        base = ctypes.addressof(self._box)
        self.box_refs = tuple(ctypes.c_void_p(base + 8 * k) for k in range(4))
        self.box = memoryview(self._box).cast("B").cast("d")  # unpacked 8× faster than the ctypes array


@functools.cache
def _calls() -> _Calls:
    return _Calls()


def _codes(textpage_raw, count: int) -> list[int]:
    """Each character's Unicode value exactly as FPDFText_GetUnicode gives it, in one FPDFText_GetText
    call when the page's text has one UTF-16 unit per character (checked at every 64th one). GetText
    words some characters differently (a soft hyphen is 0xFFFE there, 0x02 from GetUnicode), so every
    one outside the plain ranges is asked again; a page that does not line up is asked per character."""
    import pypdfium2.raw as pdfium_c

    get_unicode = pdfium_c.FPDFText_GetUnicode
    if count > 0:
        buffer = (ctypes.c_ushort * (count + 1))()
        if pdfium_c.FPDFText_GetText(textpage_raw, 0, count, buffer) == count + 1:
            codes = buffer[:count]
            for i, code in enumerate(codes):
                if code < 0x20 or 0x7F <= code <= 0xA0 or code >= 0x2000:
                    codes[i] = get_unicode(textpage_raw, i)
            if all(codes[i] == get_unicode(textpage_raw, i) for i in (*range(0, count, 64), count - 1)):
                return codes
    return [get_unicode(textpage_raw, i) for i in range(count)]


def page_glyphs(textpage_raw, matrix) -> list[tuple[int, str, float, float, float, float]]:
    """(kind, char, x0, y0, x1, y1) per PDFium character, boxes tight and in displayed coordinates."""
    import pypdfium2.raw as pdfium_c

    a, b, c, d, e, f = matrix
    calls = _calls()
    get_box, box = calls.get_box, calls.box
    r0, r1, r2, r3 = calls.box_refs
    page = ctypes.c_void_p(ctypes.cast(textpage_raw, ctypes.c_void_p).value)
    is_hyphen = getattr(pdfium_c, "FPDFText_IsHyphen", None)
    out = []
    append = out.append
    space = (SPACE, " ", 0.0, 0.0, 0.0, 0.0)
    line_break = (BREAK, "", 0.0, 0.0, 0.0, 0.0)
    for i, code in enumerate(_codes(textpage_raw, pdfium_c.FPDFText_CountChars(textpage_raw))):
        if code > 0x20 and code != 0x2D and (code < 0x7F or 0xA0 < code < 0x2000):
            kind, ch = GLYPH, chr(code)  # the usual case first: a printable character, not a hyphen
        elif code == 0x20:
            append(space)
            continue
        elif code in (0x0D, 0x0A):
            append(line_break)
            continue
        elif code == 0x02 or (is_hyphen is not None and code == 0x2D and is_hyphen(textpage_raw, i) == 1):
            kind, ch = HYPHEN, chr(code)
        elif code <= 0x20 or 0x7F <= code <= 0xA0 or code in (0xFEFF, 0xFFFE) or 0x2000 <= code <= 0x200B:
            if code in (0x20, 0x09, 0xA0) or 0x2000 <= code <= 0x200B:
                append(space)
            continue  # other control characters carry no text
        else:
            kind = GLYPH
            ch = chr(code) if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        if not get_box(page, i, r0, r1, r2, r3):
            continue
        left, right, bottom, top = box
        x0, y0 = a * left + c * top + e, b * left + d * top + f
        x1, y1 = a * right + c * bottom + e, b * right + d * bottom + f
        if x0 > x1:
            x0, x1 = x1, x0
        if y0 > y1:
            y0, y1 = y1, y0
        append((kind, ch, x0, y0, x1, y1))
    return out


def read_pdf(raw: bytes, name: str, password: str | None = None) -> dict:
    """text, pages (PageLayout), warnings and details (title, authors, doi, published) of a PDF."""
    import pypdfium2.raw as pdfium_c

    doc = open_pdf(raw, name, password)
    try:
        count = len(doc)
        if count > MAX_PAGES:
            raise ValidationError(
                f"{name}: {count:,} pages is over the {MAX_PAGES:,}-page limit for one document; split it first"
            )
        sizes: list[tuple[float, float]] = []
        page_lines: list[list[Line]] = []
        empty = 0
        for index in range(count):
            try:
                page = doc[index]
            except Exception:  # noqa: BLE001 - PDFium could not load this page
                raise _damaged(name, f"page {index + 1} cannot be read") from None
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                try:
                    glyphs = page_glyphs(textpage.raw, _display_matrix(page.raw, width, height))
                finally:
                    textpage.close()
            finally:
                page.close()
            lines = build_lines(glyphs)
            del glyphs
            if not lines:
                empty += 1
            sizes.append((width, height))
            page_lines.append(lines)
            sandbox.progress(index + 1, count)  # a waiting caller's bar moves; at most every 50 ms
        if empty == count:
            raise ValidationError(
                f"{name} has no text layer (a scanned PDF?); Curator needs the text: run OCR on it first"
            )
        warnings = []
        if empty:
            warnings.append(f"{empty} of its {count} pages had no text layer (scanned?), so their text is missing")
        if _JS.search(raw) or pdfium_c.FPDFDoc_GetJavaScriptActionCount(doc.raw) > 0:
            warnings.append("its JavaScript was not run")
        if _EMBEDDED.search(raw) or pdfium_c.FPDFDoc_GetAttachmentCount(doc.raw) > 0:
            warnings.append("its embedded files were not extracted")
        info = doc.get_metadata_dict(skip_empty=True)
    finally:
        doc.close()
    text, layout, first_page = _assemble(page_lines, sizes)
    if not text.strip():
        raise ValidationError(f"{name} has no text layer (a scanned PDF?); Curator needs the text: run OCR on it first")
    if "\ufffd" in text:
        warnings.append("some of its characters have no Unicode meaning in the file and show as \ufffd")
    from curator.io.pdf_meta import pdf_metadata

    return {
        "text": text,
        "pages": layout,
        "warnings": tuple(warnings),
        "details": pdf_metadata(raw, info, first_page),
    }


def _assemble(page_lines: list[list[Line]], sizes: list[tuple[float, float]]):
    """Chrome left out, each page in reading order, all joined; plus the first page's whole text."""
    keys = [[chrome_key(ln, sizes[p][1]) for ln in lines] for p, lines in enumerate(page_lines)]
    counts: Counter = Counter()
    for page_keys in keys:
        counts.update({k for k in page_keys if k})  # on how many pages each margin line stands
    builder = TextBuilder()
    first_page = ""
    for p, lines in enumerate(page_lines):
        body = [ln for ln, k in zip(lines, keys[p], strict=True) if not is_chrome(ln, k, counts)]
        if p == 0:
            first_page = "\n".join(ln.text for ln in lines)
        for line, join in order_lines(body):
            builder.add(line, p, join)
        page_lines[p] = []  # let each page's lines go as soon as they are in the text
    text, layout = builder.finish(sizes)
    return text, layout, first_page
