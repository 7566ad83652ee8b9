"""The event report always builds (issue 15): whatever people write in a session's report or a
theme's synthesis, the PDF comes out. Content that does not fit a page is split, wrapped or
scaled; a part that still cannot be laid out is printed as plain text with a note, and the
organiser's page names it; a failed build rests before a visitor's download starts it again.

The property test generates Markdown from the characters of the fonts the PDF embeds
(report_pdf.FONT_FILES), grouped by script, and tables of 1-30 columns with cells of up to
10,000 characters, long words and URLs, lists nested 20 deep, code blocks with long lines,
headings and quotes. Run with `-s` to see how many cases it tried."""

import functools
import unicodedata
from collections import defaultdict
from pathlib import Path

import pypdfium2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics

from sessions_app.exports import report, report_pdf
from sessions_app.models import Event
from tests.factories import make_event, make_session, make_theme

# ---- what the fonts carry ------------------------------------------------------------------


@functools.cache
def font_scripts() -> dict[str, str]:
    """{script: its letters (and marks)} over every font the report embeds, plus "symbols"
    for the rest they draw (digits, punctuation, arrows, box drawing, ...). A script is the
    first word of the characters' Unicode names (LATIN, ARABIC, CANADIAN, OGHAM, ...)."""
    report_pdf.register_fonts()
    codes: set[int] = set()
    for name in report_pdf.FONT_FILES:
        codes |= set(pdfmetrics.getFont(name).face.charToGlyph)
    groups: dict[str, list[str]] = defaultdict(list)
    for code in sorted(codes):
        char = chr(code)
        category = unicodedata.category(char)
        name = unicodedata.name(char, "")
        if category[0] in "CZ" or not name or char in "|\\`*_[]<>#&":
            continue  # control, space, and what Markdown tables and escapes would swallow
        script = name.split()[0] if category[0] in "LM" else "symbols"
        groups[script].append(char)
    letters = {k: "".join(v) for k, v in groups.items() if len(v) >= 8 or k == "symbols"}
    return dict(sorted(letters.items()))


ODD = "\u200b\u00ad\u200f\u202e\ufeff\u2028\t"  # zero width, soft hyphen, RTL marks, a tab


def words(script: str, *, max_words: int = 12, max_length: int = 12) -> st.SearchStrategy[str]:
    alphabet = font_scripts()[script]
    word = st.text(alphabet=alphabet, min_size=1, max_size=max_length)
    return st.lists(word, min_size=1, max_size=max_words).map(" ".join)


@st.composite
def prose(draw, *, max_words: int = 12) -> str:
    """A run of text in one script, now and then a very long word, a long URL, an odd
    character or some inline markup."""
    script = draw(st.sampled_from(sorted(font_scripts())))
    parts = [draw(words(script, max_words=max_words))]
    extra = draw(st.sampled_from(["", "", "word", "url", "odd", "markup"]))
    if extra == "word":
        parts.append(draw(st.sampled_from(font_scripts()[script])) * draw(st.integers(80, 3000)))
    elif extra == "url":
        parts.append("https://example.org/" + "a-very-long-path/" * draw(st.integers(5, 200)))
    elif extra == "odd":
        parts.append(draw(st.text(alphabet=ODD, min_size=1, max_size=5)))
    elif extra == "markup":
        parts.append(f"**{parts[0]}** _{parts[0]}_ `{parts[0]}` [{parts[0]}](https://x.org/)")
    return " ".join(parts)


CELL_SIZES = [0, 1, 8, 40, 300]
HUGE = 10_000


@st.composite
def table(draw) -> str:
    """1-30 columns, a header and 1-4 rows; up to two cells of 10,000 characters (more would
    only make the test slower: each is laid out on its own)."""
    columns = draw(st.integers(1, 30))
    rows = draw(st.integers(1, 4))
    script = draw(st.sampled_from(sorted(font_scripts())))
    alphabet = font_scripts()[script] + "  "
    huge = draw(st.sets(st.integers(0, columns * (rows + 1) - 1), max_size=2))

    def cell(n: int) -> str:
        if n in huge:  # a pattern repeated: drawing 10,000 characters one by one is slow
            seed = draw(st.text(alphabet=alphabet, min_size=1, max_size=40))
            return (seed * (HUGE // len(seed) + 1))[:HUGE].strip()
        return draw(st.text(alphabet=alphabet, max_size=draw(st.sampled_from(CELL_SIZES))))

    def line(row: int) -> str:
        cells = [cell(row * columns + c).strip() for c in range(columns)]
        return "| " + " | ".join(value or ("h" if row == 0 else "") for value in cells) + " |"

    aligns = [draw(st.sampled_from(["---", ":--", "--:", ":-:"])) for _ in range(columns)]
    return "\n".join([line(0), "|" + "|".join(aligns) + "|", *map(line, range(1, rows + 1))])


@st.composite
def nested_list(draw) -> str:
    depth = draw(st.integers(1, 20))
    marker = draw(st.sampled_from(["-", "1."]))
    return "\n".join(
        f"{'    ' * level}{marker} {draw(prose(max_words=4))}" for level in range(depth)
    )


@st.composite
def code_block(draw) -> str:
    lines = draw(st.lists(st.sampled_from([0, 3, 20, 80, 3000]), min_size=1, max_size=40))
    return "\n".join("    " + ("x = 'y' " * (n // 8 + 1))[:n] for n in lines)


@st.composite
def heading(draw) -> str:
    return "#" * draw(st.integers(1, 6)) + " " + draw(prose(max_words=6))


@st.composite
def quote(draw) -> str:
    return ">" * draw(st.integers(1, 30)) + " " + draw(prose())


BLOCK = st.one_of(prose(max_words=60), table(), nested_list(), code_block(), heading(), quote())
MARKDOWN = st.lists(BLOCK, min_size=1, max_size=4).map("\n\n".join)


def pdf_text(path: Path) -> tuple[int, str]:
    document = pypdfium2.PdfDocument(path.read_bytes())
    try:
        pages = [page.get_textpage().get_text_range() for page in document]
        return len(pages), " ".join(" ".join(pages).split())
    finally:
        document.close()


def report_event(reports: list[str], synthesis: str = "", introduction: str = "") -> Event:
    event = make_event(phase=Event.Phase.ARCHIVED, introduction=introduction)
    theme = make_theme(event, name="Thema", synthesis=synthesis)
    for n, text in enumerate(reports):
        session = make_session(event, title=f"Sessiemerk{n} titel", report=text, held=True)
        session.themes.add(theme)
    return event


# ---- the property ----------------------------------------------------------------------------

EXAMPLES = 60


@pytest.mark.django_db
def test_any_markdown_gives_a_laid_out_pdf(tmp_path_factory):
    tried = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(reports=st.lists(MARKDOWN, min_size=1, max_size=3), synthesis=MARKDOWN)
    def build(reports: list[str], synthesis: str) -> None:
        tried.append(sum(map(len, reports)) + len(synthesis))
        event = report_event(reports, synthesis=synthesis, introduction=synthesis)
        target = tmp_path_factory.mktemp("pdf") / "report.pdf"

        as_text = report.write_pdf(event, target)

        pages, text = pdf_text(target)
        assert target.read_bytes().startswith(b"%PDF-")
        assert pages >= 4  # cover, contents, figures, sessions
        for n in range(len(reports)):
            assert f"Sessiemerk{n} titel" in text
        assert as_text == []  # laid out, not fallen back to plain text

    build()
    print(
        f"\nreport PDF property test: {len(tried)} generated reports built, "
        f"{max(tried)} characters of Markdown in the largest"
    )
    assert len(tried) >= EXAMPLES


@pytest.mark.django_db
def test_every_script_the_fonts_carry_appears_in_one_report(tmp_path):
    scripts = font_scripts()
    reports = [f"{name}: {letters[:400]}" for name, letters in scripts.items()]
    event = report_event(reports)
    target = tmp_path / "report.pdf"

    as_text = report.write_pdf(event, target)

    pages, text = pdf_text(target)
    assert as_text == []
    assert len(scripts) >= 20  # LATIN, GREEK, CYRILLIC, ARMENIAN, HEBREW, ARABIC, LAO, ...
    assert {"LATIN", "GREEK", "CYRILLIC", "ARABIC", "HEBREW", "GEORGIAN"} <= set(scripts)
    for n, name in enumerate(scripts):
        assert f"Sessiemerk{n} titel" in text
        assert name in text  # (right-to-left scripts come out with the colon before it)
    print(f"\n{len(scripts)} scripts in one report, {pages} pages")
