"""HTML to text through the HTML5 parsing algorithm: void elements, implied end tags, linear time."""

import time
from pathlib import Path

import pytest

from curator.io.html_text import MAX_DEPTH, bounded_html, html_to_text, parse_html

FIXTURES = Path(__file__).parent / "fixtures" / "documents"


def text(html: str) -> str:
    return html_to_text(html)[0]


def styled(html: str) -> list[tuple[str, str, str]]:
    out, styles, _ = html_to_text(html)
    return [(r.kind, out[r.start : r.end], r.data) for r in styles]


@pytest.mark.parametrize(
    "html,expected",
    [
        ("<p>one</p><embed src=x><p>two</p>", "one\n\ntwo\n"),  # a void element never opens a skip
        ("<video><source src=x><track src=y></video><p>after</p>", "after\n"),
        ("<p>a<div>b</div>", "a\n\nb\n"),  # <div> closes the open <p>
        ("<ul><li>a<li>b</ul>", "• a\n• b\n"),  # <li> closes the previous <li>
        ("<dl><dt>term<dd>meaning</dl>", "term\nmeaning\n"),
        ("one<br>two<br/>three</br>four", "one\ntwo\nthree\nfour\n"),  # </br> is a <br>
        ("<p>see <img alt=x> and <img src=y> here</p>", "see [x] and here\n"),
        ("<table><tr><th>A<th>B<tr><td>1<td>2</table><p>after</p>", "A\tB\n1\t2\n\nafter\n"),
        ("<p>caf&eacute; &amp; &lt;b&gt; &#x1F9EA;</p>", "café & <b> 🧪\n"),
        ("<p>  spread\n\tout   words </p>", "spread out words\n"),
        ("<pre>\n  a  b\n c</pre>", "  a  b\n c\n"),
        ("<p>x</p><template><p>hidden</p></template><noscript>no</noscript><object>obj</object>", "x\n"),
    ],
)
def test_the_tree_is_the_one_a_browser_builds(html, expected):
    assert text(html) == expected


def test_a_head_left_open_still_has_a_body():
    out, _, title = html_to_text("<html><head><title>Gut and mood</title><meta charset=utf-8><p>Body text here</p>")
    assert (out, title) == ("Body text here\n", "Gut and mood")


def test_implied_end_tags_give_whole_style_ranges():
    assert styled("<ul><li>a<li>b</ul>") == [("list_item", "a", ""), ("list_item", "b", "")]
    assert styled("<p><b>bold <i>both</b> italic</i></p>") == [
        ("bold", "bold both", ""),
        ("italic", "both", ""),
        ("italic", " italic", ""),  # the misnested <i> is reopened, as a browser shows it
    ]
    assert styled('<h2>Head</h2><a href="https://x.org/a?b=1&amp;c=2">link</a>') == [
        ("heading2", "Head", ""),
        ("link", "link", "https://x.org/a?b=1&c=2"),
    ]


def test_the_hostile_fixture_reads_as_before():
    """Pinned from the HTMLParser version: the same text, styles and title."""
    out, styles, title = html_to_text((FIXTURES / "hostile.html").read_text(encoding="utf-8"))
    assert title == "Probiotics and mood: a hostile page"
    assert out == (
        "Home\n\nadvertisement\n\nProbiotics and mood\n\n"
        "A randomised trial of Lactobacillus found lower anxiety scores. [Figure 1]\n\n"
        "• Read the local file\n• or the paper\n\nTop of page\n"
    )
    assert [(r.kind, out[r.start : r.end], r.data) for r in styles] == [
        ("heading1", "Probiotics and mood", ""),
        ("bold", "randomised", ""),
        ("italic", "Lactobacillus", ""),
        ("list_item", "Read the local file", ""),
        ("link", "local file", "file:///etc/passwd"),
        ("list_item", "or the paper", ""),
        ("link", "the paper", "https://example.org/paper"),
    ]


def timed(html: str) -> float:
    start = time.perf_counter()
    html_to_text(html)
    return time.perf_counter() - start


@pytest.mark.parametrize(
    "html",
    [
        "<p>" + "<b>" * 100_000 + "x" + "</i>" * 100_000,  # the report: 20,000 of each took 26 s
        "<p>" + "<span>" * 100_000 + "x" + "</i>" * 100_000,
        "<div>" * 100_000 + "x" + "</p>" * 100_000,  # every </p> searches the stack for a <p>
        "<span><div></span>" * 50_000 + "</p>" * 100_000,  # </span> blocked by <div>: the stack grows
        "<head><span></head>" * 50_000 + "</i>" * 100_000,
        "<table><td>" * 50_000 + "</i>" * 100_000,
        "<svg><title>" + "<b>" * 100_000 + "</i>" * 100_000,  # <title> in SVG is not raw text
        "<!-->" + "<b>" * 100_000 + "</i>" * 100_000,  # an abrupt comment ends at once
        "<select>" + "<option>" * 100_000,  # lexbor re-walks the options for each new one
        "".join(f"<b id={i}><div>" for i in range(50_000)) + "</b>" * 100_000,
    ],
    ids=["b-i", "span-i", "div-p", "span-div", "head-span", "table-td", "svg-title", "comment", "options", "b-div"],
)
def test_hostile_nesting_is_linear(html):
    assert timed(html) < 8  # 200,000 tags; quadratic parsing takes hours here


def test_formatting_reopened_per_paragraph_is_bounded():
    html = "<p>" + "".join(f"<b id={i}>" for i in range(20_000)) + "</p>" + "<p>x</p>" * 20_000
    assert timed(html) < 8
    assert len(html_to_text(html)[1]) <= 8 * 20_000 + 8


def test_the_depth_cap_keeps_text_and_ordinary_pages_untouched():
    deep = "<div>" * 1000 + "deep text" + "</div>" * 1000
    assert text(deep) == "deep text\n"
    assert bounded_html(deep).count("<div>") == MAX_DEPTH
    page = (FIXTURES / "hostile.html").read_text(encoding="utf-8")
    assert bounded_html(page) is page
    sloppy = "<table><tr><td><p>cell <a href=x>link</table>" * 2000 + "<p><b>end</b>"
    assert bounded_html(sloppy) is sloppy  # unclosed cells and paragraphs do not add up


def test_a_large_ordinary_page_is_quick():
    para = "<p>The <b>gut</b> microbiome and <a href='https://x.org'>migraine</a> &amp; mood.</p>\n"
    html = "<html><body><article>" + para * 25_000 + "</article></body></html>"  # about 2 MB
    assert len(html) > 2_000_000 and timed(html) < 8


def test_unterminated_markup_costs_one_pass():
    for html in ['<p>a</p><a title="' * 20_000, "<!-- x" * 20_000, "<p x=" * 20_000, "<script>" * 20_000]:
        assert timed(html) < 4
    assert parse_html("<p>a<!-- never closed <b>x").body.text() == "a"
