"""The event report's PDF, laid out with ReportLab in one pass.

Why not WeasyPrint, as the other PDFs (door signs, session cards) are: for a 300-session event
with a Markdown report of ~1,000 characters per session (bench/report/run.py) WeasyPrint 70
took 30-45 s of CPU and ~550 MiB without PDF tags, ~55 s with them. No CSS feature was to blame
(leaders, target-counter, string-set, flex, breaks, links, the grid page: each removed alone
changed the time by less than the noise); its pure-Python layout costs about 0.1 s of CPU per
page for this nested markup, and even the sessions reduced to bare paragraphs took ~7 s.
ReportLab (its C accelerator rl-accel saves 10-15 %) writes the same 173 pages in ~3.3 s,
the process peaking at ~140 MiB with Django and the event loaded (tests/load/test_report_pdf.py
keeps it under 5 s and 200 MiB). Typst was tried too: 1.3 s and tagged, but ~240 MiB.

The look follows the report page (templates/public/event_report.html), which has the same
content and structure: a blue cover with the event's picture or logo (`Event.cover`), a table
of contents with dotted leaders and page numbers, the figures, the grid on a landscape page,
each theme with its synthesis set apart in a tinted block and then "Sessions in this theme",
one block per session (when and where, hosts, its report, or else its description, its slides
with their first page as a picture beside the link), the conclusion; the event's name and the
page number in the footer; bookmarks, internal links, the title, author, subject, language and
creation date. The type runs from the cover's title over chapters (20 pt), themes (15 pt) and
sessions (13.5 pt) to the text (10 pt). No page holds a lone line: paragraphs keep two lines on
each side of a page break (allowWidows/allowOrphans), headings keep with what follows, short
blocks (a theme's sessions, a session's slides) stay together, and a chapter's last short
paragraph takes the lines before it along (`KeepLastLines`). The one thing lost is the tagged
structure (WeasyPrint's `pdf_tags`), which ReportLab cannot write.

Pictures are embedded as JPEG bytes as they are (`Picture.draw_on`): a slide's thumbnail is
the one the thumbnail job stored (jobs/thumbnails.py), or, if it is not there yet, rendered
from the PDF in memory; nothing is written but the report.

The table of contents is filled in without a second pass: each entry's leader and page number
is a form XObject that the page refers to while it is laid out and that is defined once every
page number is known (PDF allows the forward reference).

It always builds, whatever people wrote: content too big for a page is split,
wrapped or scaled (`MarkdownFlowables`: table columns as wide as their words need, type made
smaller for wide tables and a list of rows past 19 columns, rows split across pages, long
paragraphs and code blocks in pieces, long words broken, lists indented at most 8 levels). The
parts people wrote (introduction, grid, themes, sessions, conclusion) are sections: one that
still cannot be laid out (ReportLab raises while making or placing it) is printed as its plain
text with a note, and the layout starts again (`write_report_pdf`), which returns the parts so
printed for the organiser's page.

Safety: ReportLab's paragraph markup would load images (`<img src>`) and accept any link, so
user text never reaches it as markup: the sanitised Markdown HTML (sessions_app.markdown) is
parsed and rebuilt from a fixed set of tags, every text escaped, links only to http(s) and
mailto. Nothing is fetched, nothing embedded.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    FrameBreak,
    HRFlowable,
    Indenter,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from sessions_app import uploads

if TYPE_CHECKING:
    from sessions_app.exports.event_report import ReportData, ReportSession, ReportTheme

logger = logging.getLogger(__name__)

BLUE = colors.HexColor("#0b4f8a")
PALE = colors.HexColor("#e6eef6")
INK = colors.HexColor("#111111")
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#bbbbbb")
SAFE_SCHEMES = {"http", "https", "mailto"}
FRAME_HEIGHT = A4[1] - 42 * mm  # the portrait pages' frame (ReportDocument)

# ---- fonts ------------------------------------------------------------------------------

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
)
FONT_FILES = {
    "OOSans": ("DejaVuSans.ttf", "DejaVu Sans"),
    "OOSans-Bold": ("DejaVuSans-Bold.ttf", "DejaVu Sans:bold"),
    "OOSans-Italic": ("DejaVuSans-Oblique.ttf", "DejaVu Sans:oblique"),
    "OOSans-BoldItalic": ("DejaVuSans-BoldOblique.ttf", "DejaVu Sans:bold:oblique"),
    "OOMono": ("DejaVuSansMono.ttf", "DejaVu Sans Mono"),
}


def _font_file(file_name: str, pattern: str) -> Path | None:
    for folder in FONT_DIRS:
        path = Path(folder) / file_name
        if path.is_file():
            return path
    if shutil.which("fc-match"):  # elsewhere: ask fontconfig, and take it only if it matches
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        if found and Path(found).name == file_name:
            return Path(found)
    return None


@functools.cache
def register_fonts() -> None:
    """DejaVu Sans (Debian's fonts-dejavu-core; the obliques come with fonts-dejavu-extra, and
    italics fall back to the upright face without them), embedded as subsets."""
    found = {name: _font_file(*spec) for name, spec in FONT_FILES.items()}
    if found["OOSans"] is None or found["OOSans-Bold"] is None:
        raise RuntimeError("DejaVu Sans is missing: apt-get install fonts-dejavu-core")
    fallback = {"OOSans-Italic": "OOSans", "OOSans-BoldItalic": "OOSans-Bold", "OOMono": "OOSans"}
    for name, path in found.items():
        pdfmetrics.registerFont(TTFont(name, str(path or found[fallback[name]])))
    pdfmetrics.registerFontFamily(
        "OOSans",
        normal="OOSans",
        bold="OOSans-Bold",
        italic="OOSans-Italic",
        boldItalic="OOSans-BoldItalic",
    )


# ---- styles -------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    # No widows, no orphans: a paragraph split over two pages leaves at least two lines on
    # each (a lone line at the top of a page, or at the bottom, reads as a mistake).
    base = ParagraphStyle("body", fontName="OOSans", fontSize=10, leading=14.5, textColor=INK,
                          allowWidows=0, allowOrphans=0)  # fmt: skip

    def style(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=kw.pop("parent", base), **kw)

    # Headings stay with what follows through a CondPageBreak before them, not keepWithNext:
    # ReportLab wraps every keepWithNext pair in a KeepTogether, which lays it out twice.
    heading = style("heading", fontName="OOSans-Bold")
    return {
        "body": base,
        "p": style("p", spaceAfter=2.5 * mm),
        "li": style("li", spaceAfter=0.8 * mm),
        "small": style("small", fontSize=8.5, leading=12, textColor=GREY),
        "meta": style("meta", fontSize=9, leading=12.5, textColor=colors.HexColor("#444444")),
        "themes": style("themes", fontSize=8.5, leading=12, textColor=BLUE, spaceAfter=2 * mm),
        "h2": style(
            "h2", parent=heading, fontSize=20, leading=24, textColor=BLUE, spaceAfter=5 * mm
        ),  # fmt: skip
        # a theme: below the chapter, above its sessions' titles
        "theme": style(
            "theme",
            parent=heading,
            fontSize=15,
            leading=18.5,
            textColor=BLUE,
            spaceBefore=7 * mm,
            spaceAfter=3 * mm,
        ),  # fmt: skip
        # a block's name: "Synthesis", "Sessions in this theme", "Slides and links"
        "label": style(
            "label",
            parent=heading,
            fontSize=8.5,
            leading=11,
            textColor=BLUE,
            spaceBefore=4 * mm,
            spaceAfter=1.5 * mm,
        ),  # fmt: skip
        "theme-session": style(
            "theme-session",
            leftIndent=4.5 * mm,
            bulletIndent=0,
            bulletFontName="OOSans",
            bulletColor=BLUE,
            spaceAfter=1.2 * mm,
        ),  # fmt: skip
        "intro-note": style(
            "intro-note",
            fontName="OOSans-Italic",
            fontSize=8.5,
            leading=12,
            textColor=GREY,
            spaceAfter=1 * mm,
        ),  # fmt: skip
        "attachment": style("attachment", fontSize=9.5, leading=13),
        "h3": style(
            "h3", parent=heading, fontSize=12.5, leading=15, spaceBefore=4 * mm, spaceAfter=1.5 * mm
        ),  # fmt: skip
        "h4": style(
            "h4", parent=heading, fontSize=10, leading=12, spaceBefore=3 * mm, spaceAfter=1 * mm
        ),  # fmt: skip
        "session": style("session", parent=heading, fontSize=13.5, leading=16.5, spaceAfter=1 * mm),
        # headings inside Markdown texts: below the session's own title
        "md2": style(
            "md2",
            parent=heading,
            fontSize=10.5,
            leading=13.5,
            spaceBefore=3 * mm,
            spaceAfter=1.2 * mm,
        ),  # fmt: skip
        "md3": style(
            "md3",
            parent=heading,
            fontSize=10,
            leading=13,
            spaceBefore=2.5 * mm,
            spaceAfter=1 * mm,
        ),  # fmt: skip
        "md4": style(
            "md4",
            parent=heading,
            fontSize=10,
            leading=12.5,
            spaceBefore=2 * mm,
            spaceAfter=0.8 * mm,
        ),  # fmt: skip
        "pre": style("pre", fontName="OOMono", fontSize=8.5, leading=11, spaceAfter=2 * mm),
        "cell": style("cell", fontSize=9, leading=11.5),
        "table-row": style("table-row", fontSize=9, leading=12, spaceAfter=1.5 * mm),
        "as-text": style("as-text", fontSize=9, leading=12, spaceAfter=0),
        "as-text-note": style(
            "as-text-note",
            fontName="OOSans-Italic",
            fontSize=9,
            leading=12,
            textColor=GREY,
            backColor=PALE,
            borderPadding=1.5 * mm,
            spaceBefore=1.5 * mm,
            spaceAfter=3 * mm,
        ),  # fmt: skip
        "cell-head": style("cell-head", fontName="OOSans-Bold", fontSize=9, leading=11.5),
        "grid": style("grid", fontSize=7.5, leading=9),
        "grid-head": style("grid-head", fontName="OOSans-Bold", fontSize=7.5, leading=9),
        "grid-span": style("grid-span", fontName="OOSans-Italic", fontSize=7.5, leading=9),
        "toc": style("toc", spaceBefore=0.6 * mm, spaceAfter=0.6 * mm),
        "toc-session": style(
            "toc-session",
            fontSize=9.5,
            leading=13,
            leftIndent=6 * mm,
            spaceBefore=0.4 * mm,
            spaceAfter=0.4 * mm,
        ),  # fmt: skip
        "figure-label": style(
            "figure-label", fontSize=8.5, leading=11, textColor=colors.HexColor("#444444")
        ),  # fmt: skip
        "figure-value": style("figure-value", fontName="OOSans-Bold", fontSize=16, leading=19),
        "caption": style("caption", fontName="OOSans-Bold", spaceAfter=1 * mm),
        "cover-kicker": style(
            "cover-kicker", fontSize=14, leading=18, textColor=colors.white, spaceAfter=4 * mm
        ),  # fmt: skip
        "cover-title": style(
            "cover-title",
            fontName="OOSans-Bold",
            fontSize=32,
            leading=38,
            textColor=colors.white,
            spaceAfter=6 * mm,
        ),  # fmt: skip
        "cover-line": style(
            "cover-line", fontSize=13, leading=17, textColor=colors.white, spaceAfter=2 * mm
        ),  # fmt: skip
        "cover-figures": style(
            "cover-figures", fontSize=11, leading=15, textColor=colors.white, spaceBefore=16 * mm
        ),  # fmt: skip
    }


# ---- sanitised HTML (Markdown) to flowables ---------------------------------------------------


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []


class _TreeBuilder(HTMLParser):
    """The HTML of `render_markdown` (nh3's output: well formed, a fixed set of tags) as a
    tree. Void elements (br, hr) close themselves; a stray end tag is ignored."""

    VOID = {"br", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


BLOCK_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr",
    "table", "dl", "dt", "dd", "div",
}  # fmt: skip
INLINE_MARKUP = {
    "b": ("<b>", "</b>"), "strong": ("<b>", "</b>"), "i": ("<i>", "</i>"), "em": ("<i>", "</i>"),
    "del": ("<strike>", "</strike>"), "sub": ("<sub>", "</sub>"), "sup": ("<super>", "</super>"),
    "code": ('<font face="OOMono">', "</font>"),
}  # fmt: skip


def text(value: Any) -> str:
    """Plain text as paragraph markup: escaped, nothing in it is a tag."""
    return escape(str(value))


def link(href: str, label_markup: str) -> str:
    """A link, if `href` is internal (#anchor) or http(s)/mailto; otherwise the label alone."""
    if href.startswith("#") and re.fullmatch(r"#[A-Za-z0-9_-]+", href):
        return f'<a href="{href}" color="#111111">{label_markup}</a>'
    if urlsplit(href).scheme.lower() in SAFE_SCHEMES:
        quoted = escape(href, {'"': "&quot;"})
        return f'<a href="{quoted}" color="#0b4f8a"><u>{label_markup}</u></a>'
    return label_markup


def inline(nodes: Iterable[_Node | str]) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(text(node))
        elif node.tag == "br":
            parts.append("<br/>")
        elif node.tag == "a":
            parts.append(link(node.attrs.get("href", ""), inline(node.children)))
        elif node.tag in INLINE_MARKUP:
            start, end = INLINE_MARKUP[node.tag]
            parts.append(f"{start}{inline(node.children)}{end}")
        else:  # abbr, and anything a block holds inline: its text
            parts.append(inline(node.children))
    return "".join(parts)


class MarkdownFlowables:
    """Turns sanitised Markdown HTML into flowables, with the report's styles. Lists become
    paragraphs with a bullet and an indent (ReportLab's ListFlowable costs several times as
    much to lay out); table cells that fit on one line are plain strings. Whatever the text,
    it fits the page: lists indent at most `MAX_INDENT` levels, anything nested deeper than
    `MAX_NESTING` is printed as the text it holds, long code blocks are cut into pieces a page
    can split, tables get column widths that fit (or become a list of rows), and long words
    are broken (the styles' `splitLongWords`)."""

    INDENT = 6 * mm
    MAX_INDENT = 8  # 48 mm: 20 nested lists still leave room for their text
    MAX_NESTING = 40
    PRE_LINES = 60

    def __init__(self, styles: dict[str, ParagraphStyle], width: float) -> None:
        self.styles = styles
        self.width = width
        self.derived: dict[tuple[str, int], ParagraphStyle] = {}

    def __call__(self, html: str) -> list[Flowable]:
        return self.blocks(parse_html(str(html)).children, "p", 0, [])

    def style(
        self, name: str, depth: int, *, first: bool = True, last: bool = True
    ) -> ParagraphStyle:
        """`name` indented `depth` levels; a piece of a long paragraph (not `first`, not `last`)
        keeps no space before or after it, so the pieces read as one paragraph."""
        depth = min(depth, self.MAX_INDENT)
        if depth == 0 and first and last:
            return self.styles[name]
        key = (f"{name}-{first:d}{last:d}", depth)
        if key not in self.derived:
            parent = self.styles[name]
            self.derived[key] = ParagraphStyle(
                f"{name}-{depth}-{first:d}{last:d}",
                parent=parent,
                leftIndent=parent.leftIndent + depth * self.INDENT,
                bulletIndent=parent.leftIndent + depth * self.INDENT - 4.5 * mm,
                bulletFontName="OOSans",
                spaceBefore=parent.spaceBefore if first else 0,
                spaceAfter=parent.spaceAfter if last else 0,
            )
        return self.derived[key]

    def paragraph(self, markup: str, style: str, depth: int, bullet: list[str]) -> list[Flowable]:
        """A paragraph, carrying the pending list marker if there is one."""
        return self.paragraphs([markup], style, depth, bullet)

    def paragraphs(
        self, pieces: list[str], style: str, depth: int, bullet: list[str]
    ) -> list[Flowable]:
        """One paragraph given in pieces (`inline_pieces`): ReportLab lays a paragraph out
        whole again for every page it runs over, so a 300,000-character one would take
        minutes; pieces of a few thousand characters take a second."""
        marker = bullet.pop() if bullet else None
        pieces = [piece for piece in pieces if piece.strip()]
        if not pieces:
            return [] if marker is None else [Paragraph("", self.style(style, depth),
                                                        bulletText=marker)]  # fmt: skip
        last = len(pieces) - 1
        return [
            Paragraph(
                markup,
                self.style(style, depth, first=n == 0, last=n == last),
                bulletText=marker if n == 0 else None,
            )  # fmt: skip
            for n, markup in enumerate(pieces)
        ]

    def blocks(
        self, nodes: list[_Node | str], style: str, depth: int, bullet: list[str]
    ) -> list[Flowable]:
        out: list[Flowable] = []
        loose: list[_Node | str] = []

        def flush() -> None:
            if loose:
                pieces = inline_pieces(loose)
                loose.clear()
                if any(piece.strip() for piece in pieces):
                    out.extend(self.paragraphs(pieces, style, depth, bullet))

        for node in nodes:
            if isinstance(node, str) or node.tag not in BLOCK_TAGS:
                loose.append(node)
                continue
            flush()
            out.extend(self.block(node, style, depth, bullet))
        flush()
        if bullet:  # an item with nothing to carry its marker
            out.extend(self.paragraph("", style, depth, bullet))
        return out

    def block(self, node: _Node, style: str, depth: int, bullet: list[str]) -> list[Flowable]:
        tag = node.tag
        if depth > self.MAX_NESTING:
            flat = " ".join("".join(_texts(node)).split())
            return self.paragraphs(inline_pieces([flat]), style, depth, bullet)
        if tag == "p":
            return self.paragraphs(inline_pieces(node.children), style, depth, bullet)
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            level = min(4, max(2, int(tag[1])))
            heading = self.paragraphs(inline_pieces(node.children), f"md{level}", depth, bullet)
            return [CondPageBreak(22 * mm), *heading] if heading else []
        if tag in {"ul", "ol"}:
            out: list[Flowable] = []
            items = [c for c in node.children if isinstance(c, _Node) and c.tag == "li"]
            for number, item in enumerate(items, 1):
                marker = f"{number}." if tag == "ol" else "•"
                out += self.blocks(item.children, "li", depth + 1, [marker])
            if out and depth == 0:
                out.append(Spacer(0, 1.5 * mm))
            return out
        if tag == "li":
            return self.blocks(node.children, "li", depth + 1, ["•"])
        if tag in {"blockquote", "dd"}:
            return self.blocks(node.children, style, depth + 1, bullet)
        if tag in {"dl", "div"}:
            return self.blocks(node.children, style, depth, bullet)
        if tag == "dt":
            return self.paragraph(f"<b>{inline(node.children)}</b>", style, depth, bullet)
        if tag == "pre":
            lines = "".join(_texts(node)).rstrip("\n").split("\n")
            pieces = [
                "<br/>".join(text(line).replace("  ", "&nbsp; ") or "&nbsp;" for line in piece)
                for piece in _line_pieces(lines, self.PRE_LINES, PIECE)
            ]
            return self.paragraphs(pieces, "pre", depth, bullet)
        if tag == "hr":
            return [HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=2 * mm,
                               spaceAfter=2 * mm)]  # fmt: skip
        if tag == "table":
            indent = min(depth, self.MAX_INDENT) * self.INDENT
            table = self.table(node, self.width - indent)
            if table and indent:
                return [Indenter(left=indent), *table, Indenter(left=-indent)]
            return table
        return []

    # Table layout: the widest type that fits every column at least `floor` wide; past the
    # smallest, the table is printed as a list of its rows (a 40-column table is no table on A4).
    TABLE_TYPES = ((9.0, 14 * mm), (7.5, 11 * mm), (6.5, 9 * mm))
    PADDING = 1 * mm

    def table(self, node: _Node, width: float) -> list[Flowable]:
        found = []
        for row, in_head in _table_rows(node):
            cells = [c for c in row.children if isinstance(c, _Node) and c.tag in {"td", "th"}]
            if cells:
                found.append((cells, in_head))
        columns = max((len(cells) for cells, _head in found), default=0)
        if not columns:
            return []
        plain = [[" ".join("".join(_texts(cell)).split()) for cell in cells] for cells, _h in found]
        for size, floor in self.TABLE_TYPES:
            widths = self.column_widths(plain, columns, width, size, floor)
            if widths is not None and self.row_height(plain, widths, size) <= 3 * FRAME_HEIGHT:
                return self.grid_table(found, plain, widths, size)
        return self.row_list(found)

    def column_widths(
        self, plain: list[list[str]], columns: int, width: float, size: float, floor: float
    ) -> list[float] | None:
        """Widths that fill `width`, as browsers share a table out: each column gets its
        longest word (up to a third of the width, longer words are broken), what is left goes
        to the columns whose text would like more. None if `floor` per column does not fit."""
        if columns * floor > width:
            return None
        pad = 2 * self.PADDING + 1
        least = [floor] * columns
        wish = [floor] * columns
        for row in plain:
            for c, value in enumerate(row):
                words = value.split() or [""]
                longest = max(pdfmetrics.stringWidth(w, "OOSans-Bold", size) for w in words)
                least[c] = max(least[c], min(longest + pad, width / 3))
                wish[c] = max(wish[c], pdfmetrics.stringWidth(value, "OOSans-Bold", size) + pad)
        if sum(least) > width:  # shrink the words' share, never below the floor
            spare = width - columns * floor
            extra = sum(w - floor for w in least)
            return [floor + (w - floor) * spare / extra for w in least]
        if sum(wish) <= width:  # every cell on one line: the rest shared out as they are wide
            base, shares = wish, wish
        else:  # every column its longest word, the rest to those that would wrap most
            base, shares = least, [w - b for w, b in zip(wish, least, strict=True)]
        spare = width - sum(base)
        total = sum(shares)
        if total <= 0:
            return [b + spare / columns for b in base]
        return [b + spare * share / total for b, share in zip(base, shares, strict=True)]

    def row_height(self, plain: list[list[str]], widths: list[float], size: float) -> float:
        """About how tall the tallest row is: a row much taller than a page is better read as a
        list (splitting a row across many pages lays all its cells out again for each page)."""
        leading = size * 1.28
        tallest = 0.0
        for row in plain:
            lines = max(
                (
                    pdfmetrics.stringWidth(value, "OOSans", size) / max(1.0, w - 2 * self.PADDING)
                    for value, w in zip(row, widths, strict=False)
                ),
                default=0.0,
            )
            tallest = max(tallest, (lines + 1) * leading)
        return tallest

    def cell_style(self, head: bool, size: float, align: str) -> ParagraphStyle:
        key = (f"cell-{head}-{align}", int(size * 10))
        if key not in self.derived:
            self.derived[key] = ParagraphStyle(
                f"cell-{size}-{head}-{align}",
                parent=self.styles["cell-head" if head else "cell"],
                fontSize=size,
                leading=round(size * 1.28, 2),
                alignment={"CENTER": TA_CENTER, "RIGHT": TA_RIGHT}.get(align, 0),
            )
        return self.derived[key]

    def grid_table(
        self,
        found: list[tuple[list[_Node], bool]],
        plain: list[list[str]],
        widths: list[float],
        size: float,
    ) -> list[Flowable]:
        leading = round(size * 1.28, 2)
        columns = len(widths)
        commands: list[tuple] = [
            ("FONT", (0, 0), (-1, -1), "OOSans", size, leading),
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), self.PADDING),
            ("BOTTOMPADDING", (0, 0), (-1, -1), self.PADDING),
            ("LEFTPADDING", (0, 0), (-1, -1), self.PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.PADDING),
        ]
        rows: list[list[Any]] = []
        header_rows = 0
        for r, ((cells, in_head), values) in enumerate(zip(found, plain, strict=True)):
            line: list[Any] = []
            for c, (cell, value) in enumerate(zip(cells, values, strict=True)):
                head = cell.tag == "th"
                font = "OOSans-Bold" if head else "OOSans"
                align = cell.attrs.get("align", "").upper()
                align = align if align in {"CENTER", "RIGHT"} else ""
                if align:
                    commands.append(("ALIGN", (c, r), (c, r), align))
                simple = all(isinstance(x, str) for x in cell.children)
                room = widths[c] - 2 * self.PADDING - 1
                if simple and pdfmetrics.stringWidth(value, font, size) <= room:
                    line.append(value)  # one line of plain text: a string is cheaper
                    if head:
                        commands.append(("FONT", (c, r), (c, r), font, size, leading))
                else:
                    line.append(
                        Paragraph(inline(cell.children), self.cell_style(head, size, align))
                    )
            line += [""] * (columns - len(line))
            rows.append(line)
            if in_head and header_rows == r:
                header_rows += 1
        # a header repeated on every page must leave room for the rows
        header_rows = header_rows if self.row_height(plain[:header_rows], widths, size) < 120 else 0
        table = Table(rows, colWidths=widths, repeatRows=header_rows, hAlign="LEFT",
                      splitInRow=1)  # fmt: skip
        table.setStyle(TableStyle(commands))
        return [table, Spacer(0, 2.5 * mm)]

    def row_list(self, found: list[tuple[list[_Node], bool]]) -> list[Flowable]:
        """A table too wide (or with rows too tall) for the page, as a list of its rows: each
        row a bullet, each cell a line "column: value", the columns named by the header row
        if there is one."""
        labels: list[str] = []
        body = found
        if found and (found[0][1] or all(c.tag == "th" for c in found[0][0])):
            labels = [inline(c.children) for c in found[0][0]]
            body = found[1:] or found  # a table of only a header: its names are its rows
        out: list[Flowable] = []
        for cells, _head in body:
            bullet = ["•"]
            for c, cell in enumerate(cells):
                pieces = inline_pieces(cell.children)
                if not any(piece.strip() for piece in pieces):
                    continue
                label = labels[c] if c < len(labels) and body is not found else ""
                if label.strip():
                    pieces[0] = f"<b>{label}:</b> {pieces[0]}"
                out += self.paragraphs(pieces, "table-row", 1, bullet)
        return [*out, Spacer(0, 1.5 * mm)] if out else []


PIECE = 3000  # characters: see MarkdownFlowables.paragraphs


def inline_pieces(nodes: Iterable[_Node | str], limit: int = PIECE) -> list[str]:
    """The inline markup of `nodes` (as `inline`) in pieces of about `limit` characters of
    text, cut between nodes or at a space in a text (in a long word if it has none)."""
    pieces: list[str] = []
    current: list[_Node | str] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if current:
            pieces.append(inline(current))
            current.clear()
        size = 0

    for node in nodes:
        if not isinstance(node, str):
            length = sum(len(t) for t in _texts(node))
            if size and size + length > limit:
                flush()
            current.append(node)
            size += length
            continue
        rest = node
        while size + len(rest) > limit:
            room = limit - size
            cut = rest.rfind(" ", 0, room + 1)
            if cut <= 0 and size:
                flush()
                continue
            cut = cut if cut > 0 else room
            current.append(rest[:cut])
            rest = rest[cut:]
            flush()
        if rest:
            current.append(rest)
            size += len(rest)
    flush()
    return pieces


def _line_pieces(lines: list[str], most_lines: int, limit: int) -> Iterable[list[str]]:
    """`lines` in groups of at most `most_lines` lines and about `limit` characters; a line
    longer than that is cut (it wraps on the page all the same)."""
    group: list[str] = []
    size = 0
    for line in lines:
        parts = [line[i : i + limit] for i in range(0, len(line), limit)] or [""]
        for part in parts:
            if group and (len(group) >= most_lines or size + len(part) > limit):
                yield group
                group, size = [], 0
            group.append(part)
            size += len(part)
    if group:
        yield group


def _texts(node: _Node) -> Iterable[str]:
    """Every text below `node`, in order (without recursion: nesting may be deep)."""
    stack: list[_Node | str] = list(reversed(node.children))
    while stack:
        child = stack.pop()
        if isinstance(child, str):
            yield child
        else:
            stack.extend(reversed(child.children))


def _table_rows(table: _Node) -> Iterable[tuple[_Node, bool]]:
    for child in table.children:
        if not isinstance(child, _Node):
            continue
        if child.tag == "tr":
            yield child, False
        elif child.tag in {"thead", "tbody", "tfoot"}:
            for row in child.children:
                if isinstance(row, _Node) and row.tag == "tr":
                    yield row, child.tag == "thead"


# ---- the document ----------------------------------------------------------------------------


class Heading(Paragraph):
    """A heading that is a link target (`anchor`), a bookmark in the PDF's outline (`level`)
    and, once drawn, knows its page: the table of contents takes it from there."""

    def __init__(self, markup: str, style: ParagraphStyle, anchor: str, level: int,
                 title: str) -> None:  # fmt: skip
        super().__init__(markup, style)
        self.anchor = anchor
        self.level = level
        self.title = title

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.anchor, 0, self.height + self.style.fontSize)
        self.canv.addOutlineEntry(self.title, self.anchor, level=self.level, closed=self.level > 0)
        super().draw()


class TocEntry(Flowable):
    """One line (or more, if the title wraps) of the table of contents: the title drawn now,
    the dotted leader and the page number drawn as a form defined when the page is known."""

    NUMBER_ROOM = 14 * mm

    def __init__(self, markup: str, style: ParagraphStyle, anchor: str, form: str) -> None:
        super().__init__()
        self.para = Paragraph(markup, style)
        self.style = style
        self.anchor = anchor
        self.form = form
        self.width = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        _w, self.height = self.para.wrap(available_width - self.NUMBER_ROOM, available_height)
        return available_width, self.height

    def getSpaceBefore(self) -> float:
        return self.style.spaceBefore

    def getSpaceAfter(self) -> float:
        return self.style.spaceAfter

    def draw(self) -> None:
        indent = self.style.leftIndent
        self.para.drawOn(self.canv, 0, 0)
        widths = self.para.getActualLineWidths0() or [0.0]  # the indent included
        lines = max(1, len(widths))
        baseline = self.height - self.style.fontSize - (lines - 1) * self.style.leading
        self.canv.saveState()
        self.canv.doForm(self.form)  # leader and number: see ReportDocument.define_toc_forms
        self.canv.restoreState()
        self.canv.linkRect("", self.anchor, (indent, 0, self.width, self.height), relative=1)
        self.canv.oocamp_toc_lines.append(
            (self.form, self.anchor, widths[-1], baseline, self.width, self.style)
        )


class KeepLastLines(Flowable):
    """Two paragraphs, the last of a chapter, that keep each other company: when the last
    would be left alone at the top of the next page, the one before goes along with its own
    last two lines (or whole, if it is shorter than four lines)."""

    def __init__(self, before: Paragraph, last: Paragraph) -> None:
        super().__init__()
        self.before, self.last = before, last

    def gap(self) -> float:
        return max(self.before.getSpaceAfter(), self.last.getSpaceBefore())

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        _w, self.before_height = self.before.wrap(available_width, available_height)
        _w, self.last_height = self.last.wrap(available_width, available_height)
        self.width = available_width
        self.height = self.before_height + self.gap() + self.last_height
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return self.before.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.last.getSpaceAfter()

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        height = self.before.wrap(available_width, available_height)[1]
        if height > available_height:  # the one before runs over anyway: the last follows it
            parts = self.before.split(available_width, available_height)
            return [*parts, self.last] if parts else []
        frame = getattr(self, "_frame", None)
        if frame is not None and getattr(frame, "_atTop", False):  # a new page would not help
            return [self.before, self.last]
        leading = self.before.style.leading
        if height >= 4 * leading - 0.1:
            parts = self.before.split(available_width, height - 2 * leading + 0.1)
            if len(parts) == 2:
                return [parts[0], FrameBreak(), parts[1], self.last]
        return [FrameBreak(), self.before, self.last]

    def draw(self) -> None:
        self.before.drawOn(self.canv, 0, self.last_height + self.gap())
        self.last.drawOn(self.canv, 0, 0)


class SectionMark(Flowable):
    """Where a part of the report begins (`key`: "session-12", "theme-3", "introduction",
    "grid", "conclusion") or ends (None). Takes no room; the document keeps the key, so a part
    that cannot be laid out is known by name."""

    def __init__(self, key: str | None) -> None:
        super().__init__()
        self.key = key
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class SectionFailed(Exception):
    """Laying out the part `key` failed (None: outside the parts people wrote)."""

    def __init__(self, key: str | None) -> None:
        super().__init__(key)
        self.key = key


class ReportDocument(BaseDocTemplate):
    """A4 pages with the event's name and the page number below; a cover without them; a
    landscape page for the grid. Records each heading's page for the table of contents."""

    def __init__(self, target: Any, *, event_name: str, progress: Callable[[int], None],
                 **kw: Any) -> None:  # fmt: skip
        super().__init__(target, pagesize=A4, **kw)
        self.event_name = event_name
        self.progress = progress
        self.anchor_pages: dict[str, int] = {}
        self.section: str | None = None
        self.interrupted: BaseException | None = None
        portrait = Frame(18 * mm, 22 * mm, A4[0] - 36 * mm, A4[1] - 42 * mm, id="portrait",
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
        cover = Frame(22 * mm, 20 * mm, A4[0] - 44 * mm, A4[1] - 50 * mm, id="cover",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
        wide = landscape(A4)
        grid = Frame(12 * mm, 16 * mm, wide[0] - 24 * mm, wide[1] - 28 * mm, id="grid",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
        self.addPageTemplates([
            PageTemplate("cover", [cover], onPage=self.cover_page, pagesize=A4),
            PageTemplate("page", [portrait], onPageEnd=self.footer, pagesize=A4),
            PageTemplate("grid", [grid], onPageEnd=self.footer, pagesize=wide),
        ])  # fmt: skip

    def beforeDocument(self) -> None:
        self.canv.oocamp_toc_lines = []  # (form, anchor, x, baseline, width, style) per entry

    def cover_page(self, canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(BLUE)
        canvas.rect(0, 0, A4[0], A4[1], stroke=0, fill=1)
        canvas.restoreState()

    def footer(self, canvas: Any, doc: Any) -> None:
        width = canvas._pagesize[0]
        canvas.saveState()
        canvas.setFont("OOSans", 9)
        canvas.setFillColor(GREY)
        canvas.drawCentredString(width / 2, 10 * mm, str(doc.page))
        canvas.setFont("OOSans", 8)
        canvas.setFillColor(colors.HexColor("#777777"))
        name = self.event_name
        while name and pdfmetrics.stringWidth(name, "OOSans", 8) > width / 2 - 30 * mm:
            name = name[:-2] + "…" if len(name) > 2 else ""
        canvas.drawString(18 * mm if width < 700 else 12 * mm, 10 * mm, name)
        canvas.restoreState()

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        if flowables and isinstance(flowables[0], SectionMark):
            self.section = flowables[0].key
        try:
            super().handle_flowable(flowables)
        except Exception as error:
            if error is self.interrupted:  # the progress callback's, e.g. Superseded
                raise
            raise SectionFailed(self.section) from error

    def afterFlowable(self, flowable: Flowable) -> None:
        anchor = getattr(flowable, "anchor", None)
        if anchor and isinstance(flowable, Heading):
            self.anchor_pages[anchor] = self.page
            try:
                self.progress(self.page)
            except BaseException as error:
                self.interrupted = error
                raise

    def _endBuild(self) -> None:
        self._doSave = 0  # finish the last page, then define the forms, then save
        super()._endBuild()
        self.define_toc_forms()
        self.canv.save()  # lint: not-a-write (ReportLab's canvas writes the PDF)

    def define_toc_forms(self) -> None:
        canvas = self.canv
        for form, anchor, start, baseline, width, style in canvas.oocamp_toc_lines:
            number = str(self.anchor_pages.get(anchor, ""))
            font, size = style.fontName, style.fontSize
            number_width = pdfmetrics.stringWidth(number, font, size)
            dot = pdfmetrics.stringWidth(".", font, size)
            canvas.beginForm(form, lowerx=-1, lowery=-size, upperx=width + 1,
                             uppery=baseline + 2 * size)  # fmt: skip
            canvas.setFont(font, size)
            canvas.setFillColor(INK)
            dots = int((width - number_width - start - 2 * dot) // dot) if number else 0
            if dots > 2:
                canvas.drawRightString(width - number_width - dot, baseline, "." * dots)
            canvas.drawRightString(width, baseline, number)
            canvas.endForm()


# ---- building the story ------------------------------------------------------------------------


def _local_time(event: Any, moment: Any) -> str:
    return formats.time_format(event.local(moment), "H:i") if moment else ""


def report_story(
    data: ReportData, *, base_url: str, plain: set[str] | None = None
) -> list[Flowable]:
    """Everything the report shows, in order, as ReportLab flowables. The parts people wrote
    (introduction, grid, each theme, each session, conclusion) are sections, each begun by a
    `SectionMark`; a section whose key is in `plain`, or whose flowables cannot be made, is
    printed as plain text with a note (its key is then added to `plain`)."""
    styles = _styles()
    event = data.event
    markdown = MarkdownFlowables(styles, A4[0] - 36 * mm)
    forms = iter(range(1, 1_000_000))
    story: list[Flowable] = [NextPageTemplate("page")]
    plain = set() if plain is None else plain

    def section(
        key: str, laid_out: Callable[[], list[Flowable]], as_text: Callable[[], list[Flowable]]
    ) -> None:
        story.append(SectionMark(key))
        if key not in plain:
            try:
                story.extend(laid_out())
            except Exception:
                logger.warning("report part %s could not be made; printed as text", key,
                               exc_info=True)  # fmt: skip
                plain.add(key)
            else:
                story.append(SectionMark(None))
                return
        story.extend(as_text())
        story.append(SectionMark(None))

    def keep_tail() -> None:
        """Before a page break: the chapter's last paragraph never has a page of its own (a
        paragraph split over two pages keeps two lines on each anyway, the styles'
        allowWidows and allowOrphans; this is for a last short one)."""
        ends = [n for n, f in enumerate(story) if not isinstance(f, (SectionMark, Spacer))][-2:]
        if len(ends) < 2:
            return
        before, last = story[ends[0]], story[ends[1]]
        between = story[ends[0] + 1 : ends[1]]
        if (type(before) is Paragraph and type(last) is Paragraph
                and not any(isinstance(f, SectionMark) and f.key for f in between)):  # fmt: skip
            story[ends[1] : ends[1] + 1] = []
            story[ends[0] : ends[0] + 1] = [KeepLastLines(before, last)]

    def chapter(anchor: str, title: str) -> Heading:
        return Heading(text(title), styles["h2"], anchor, 0, title)

    # the cover
    report_url = base_url + reverse("public:event-report", args=[event.slug])
    when = formats.date_format(event.date, "DATE_FORMAT")
    if event.venue:
        when = f"{when} · {event.venue}"
    held = data.figures["held"]
    people = data.figures["participants"]
    picture = _cover_picture(event)
    story.append(CoverPicture(picture, 95 * mm) if picture else Spacer(0, 50 * mm))
    story += [
        Paragraph(text(_("Event report").upper()), styles["cover-kicker"]),
        Paragraph(text(event.name), styles["cover-title"]),
        Paragraph(text(when), styles["cover-line"]),
        Paragraph(
            f'<a href="{escape(report_url, {chr(34): "&quot;"})}" color="white">'
            f"{text(report_url)}</a>",
            styles["cover-line"],
        ),
        Paragraph(
            text(
                ngettext("%(n)s session held", "%(n)s sessions held", held) % {"n": held}
                + " · "
                + ngettext("%(n)s participant", "%(n)s participants", people) % {"n": people}
            ),
            styles["cover-figures"],
        ),
        PageBreak(),
    ]

    # the table of contents
    def toc(title_markup: str, anchor: str, style: str = "toc") -> TocEntry:
        return TocEntry(title_markup, styles[style], anchor, f"toc{next(forms)}")

    story.append(Paragraph(text(_("Contents")), styles["h2"]))
    chapters = []
    if data.introduction_html:
        chapters.append(("introduction", _("Introduction")))
    chapters.append(("figures", _("In figures")))
    if data.has_grid:
        chapters.append(("grid", _("The grid as it ran")))
    if data.themes:
        chapters.append(("themes", _("Themes")))
    chapters.append(("sessions", _("The sessions")))
    for anchor, title in chapters:
        story.append(toc(text(title), anchor))
        if anchor == "themes":
            for part in data.themes:
                name = text(_clean(part.theme.name))
                story.append(toc(name, f"theme-{part.theme.pk}", "toc-session"))
    for item in data.held:
        time_markup = ""
        if item.slot:
            start = _local_time(event, item.slot.start)
            time_markup = f'<font size="9" color="#555555">{start}</font> '
        story.append(toc(time_markup + text(item.session.title), item.anchor, "toc-session"))
    if data.conclusion_html:
        story.append(toc(text(_("Conclusion")), "conclusion"))
    story.append(PageBreak())

    # introduction
    if data.introduction_html:
        section(
            "introduction",
            lambda: [chapter("introduction", _("Introduction")), *markdown(data.introduction_html)],
            lambda: [
                chapter("introduction", _("Introduction")),
                *_as_text(getattr(event, "introduction", ""), styles),
            ],
        )
        keep_tail()
        story.append(PageBreak())

    # in figures
    story.append(chapter("figures", _("In figures")))
    boxes = [
        [
            Paragraph(text(label), styles["figure-label"]),
            Paragraph(text(value), styles["figure-value"]),
        ]  # fmt: skip
        for label, value in [
            (_("Participants"), data.figures["participants"]),
            (_("Sessions proposed"), data.figures["sessions"]),
            (_("Votes"), data.figures["votes"]),
            (_("Sessions held"), data.figures["held"]),
        ]
    ]
    figures = Table([boxes], colWidths=[41 * mm] * 4, hAlign="LEFT")
    figures.setStyle(
        TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), PALE),
            ("LINEAFTER", (0, 0), (-2, -1), 3 * mm, colors.white),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
        ])
    )  # fmt: skip
    kinds = Table(
        [[Paragraph(text(h), styles["cell-head"]) for h in (_("Kind"), _("Proposed"), _("Held"))]]
        + [
            [
                Paragraph(text(label), styles["cell-head"]),
                Paragraph(text(proposed), styles["cell"]),
                Paragraph(text(done), styles["cell"]),
            ]  # fmt: skip
            for label, proposed, done in data.kinds
        ],
        colWidths=[45 * mm, 25 * mm, 25 * mm],
        hAlign="LEFT",
    )
    kinds.setStyle(
        TableStyle([
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm),
        ])
    )  # fmt: skip
    story += [
        figures,
        Spacer(0, 5 * mm),
        Paragraph(text(_("Sessions per kind")), styles["caption"]),
        kinds,
    ]

    # the grid, on a landscape page
    if data.has_grid:
        story += [NextPageTemplate("grid"), PageBreak()]
        section(
            "grid",
            functools.partial(_grid, data, styles),
            functools.partial(_grid_as_text, data, styles),
        )
        story += [NextPageTemplate("page")]

    # themes
    if data.themes:
        story += [PageBreak(), chapter("themes", _("Themes"))]
        for part in data.themes:
            section(
                f"theme-{part.theme.pk}",
                functools.partial(_theme, part, styles, markdown, event),
                functools.partial(_theme_as_text, part, styles),
            )
        keep_tail()

    # the sessions
    story += [PageBreak(), chapter("sessions", _("The sessions"))]
    for item in data.held:
        section(
            item.anchor,
            functools.partial(_session, item, styles, markdown, event, base_url),
            functools.partial(_session_as_text, item, styles, event, base_url),
        )
    if not data.held:
        story.append(Paragraph(text(_("No session has been marked as held yet.")), styles["p"]))
    keep_tail()

    # conclusion
    if data.conclusion_html:
        story.append(PageBreak())
        section(
            "conclusion",
            lambda: [chapter("conclusion", _("Conclusion")), *markdown(data.conclusion_html)],
            lambda: [
                chapter("conclusion", _("Conclusion")),
                *_as_text(getattr(event, "conclusion", ""), styles),
            ],
        )
        keep_tail()
    return story


def _theme(
    item: ReportTheme,
    styles: dict[str, ParagraphStyle],
    markdown: MarkdownFlowables,
    event: Any,
) -> list[Flowable]:
    """A theme: its name, its synthesis in a tinted block of its own, then "Sessions in this
    theme", one line each (title, time, room, hosts) linking to the session's section."""
    name = item.theme.name
    out: list[Flowable] = [
        CondPageBreak(45 * mm),
        Heading(text(name), styles["theme"], f"theme-{item.theme.pk}", 1, name),
    ]
    if item.synthesis_html:
        out.append(_synthesis_block(item.synthesis_html, styles, markdown))
    out += _theme_sessions(item, styles, event)
    return out


SYNTHESIS_PADDING = 4 * mm


def _synthesis_block(
    html: str, styles: dict[str, ParagraphStyle], markdown: MarkdownFlowables
) -> Flowable:
    """The synthesis, set apart: a pale block with a blue rule on its left, titled; it runs
    over to the next page if it must."""
    inner = MarkdownFlowables(styles, markdown.width - 2 * SYNTHESIS_PADDING - 1.5 * mm)
    content: list[Flowable] = [
        Paragraph(text(_("Synthesis").upper()),
                  ParagraphStyle("synthesis-label", parent=styles["label"], spaceBefore=0)),
        *inner(html),
    ]  # fmt: skip
    block = Table([[content]], colWidths=[markdown.width], hAlign="LEFT", splitInRow=1)
    block.setStyle(
        TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), PALE),
            ("LINEBEFORE", (0, 0), (0, -1), 1.5 * mm, BLUE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), SYNTHESIS_PADDING + 1.5 * mm),
            ("RIGHTPADDING", (0, 0), (-1, -1), SYNTHESIS_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), SYNTHESIS_PADDING),
            ("BOTTOMPADDING", (0, 0), (-1, -1), SYNTHESIS_PADDING - 2 * mm),
        ])
    )  # fmt: skip
    return block


def _theme_sessions(
    item: ReportTheme, styles: dict[str, ParagraphStyle], event: Any
) -> list[Flowable]:
    label = Paragraph(text(_("Sessions in this theme")), styles["label"])
    if not item.sessions:
        return [KeepTogether([
            label, Paragraph(text(_("No session of this theme was held.")), styles["small"])
        ])]  # fmt: skip
    lines = []
    for entry in item.sessions:
        details = [_when_where(entry, event)] if entry.slot else []
        if entry.hosts:
            details.append(", ".join(h.name for h in entry.hosts))
        detail = " · ".join(d for d in details if d)
        markup = link(f"#{entry.anchor}", f"<b>{text(entry.session.title)}</b>")
        if detail:
            markup += f' <font size="8.5" color="#555555">{text(detail)}</font>'
        lines.append(Paragraph(markup, styles["theme-session"], bulletText="•"))
    if len(lines) <= 8:  # a short list stays with its label, on one page
        return [KeepTogether([label, *lines])]
    # a long one may run over to the next page, but not with its last line or two alone
    return [CondPageBreak(30 * mm), label, *lines[:-3], KeepTogether(lines[-3:])]


def _when_where(entry: ReportSession, event: Any) -> str:
    if not entry.slot:
        return ""
    start, end = _local_time(event, entry.slot.start), _local_time(event, entry.slot.end)
    return f"{start}–{end}" + (f", {entry.room.name}" if entry.room else "")


def _theme_as_text(item: ReportTheme, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    titles = "\n".join(f"• {e.session.title}" for e in item.sessions)
    name = _clean(item.theme.name)
    return [
        Heading(text(name), styles["theme"], f"theme-{item.theme.pk}", 1, name),
        *_as_text(item.theme.synthesis, styles),
        Paragraph(text(_("Sessions in this theme")), styles["label"]),
        *_as_text(titles, styles, note=False),
    ]


TEXT_LINES = 40


def _clean(value: str) -> str:
    """Text without what no font draws and no PDF string holds: control characters (but tabs)
    and lone surrogates."""
    return "".join(
        c if c in "\t\n" or unicodedata.category(c) not in {"Cc", "Cs"} else " " for c in value
    )


def _as_text(
    source: str, styles: dict[str, ParagraphStyle], *, note: bool = True
) -> list[Flowable]:
    """A part that could not be laid out, as the text its author wrote: a note saying so, then
    the lines as they are, in pieces a page can split (long words are broken)."""
    out: list[Flowable] = []
    if note:
        out.append(Paragraph(text(_("This part could not be laid out; here is its text.")),
                             styles["as-text-note"]))  # fmt: skip
    lines = [text(line).replace("  ", "&nbsp; ") for line in _clean(source or "").splitlines()]
    while lines and not lines[-1].strip():
        lines.pop()
    for start in range(0, len(lines), TEXT_LINES):
        markup = "<br/>".join(lines[start : start + TEXT_LINES])
        if markup.strip():
            out.append(Paragraph(markup, styles["as-text"]))
    return out


def _grid(data: ReportData, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    event = data.event
    rooms = data.grid.rooms
    width = landscape(A4)[0] - 24 * mm
    first = 24 * mm  # "09:30–10:00" on one line
    columns = max(1, len(rooms))
    head = [Paragraph(text(_("Time")), styles["grid-head"])] + [
        Paragraph(text(room.name), styles["grid-head"]) for room in rooms
    ]
    rows: list[list[Any]] = [head if rooms else head + [""]]
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), PALE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 1 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm),
    ]
    for row in data.grid.rows:
        slot = row.slot
        label = f"{_local_time(event, slot.start)}–{_local_time(event, slot.end)}"
        line: list[Any] = [Paragraph(text(label), styles["grid-head"])]
        if row.spans_all:
            line.append(Paragraph(text(slot.label or slot.get_kind_display()), styles["grid-span"]))
            line += [""] * (columns - 1)
            r = len(rows)
            commands += [
                ("SPAN", (1, r), (-1, r)),
                ("BACKGROUND", (1, r), (-1, r), colors.HexColor("#f3f3f3")),
            ]
        else:
            for cell in row.cells:
                session = cell.session
                anchor = getattr(session, "report_anchor", "")  # only sessions with a section
                if session is not None and anchor:
                    markup = link(f"#{anchor}", text(session.title))
                else:
                    markup = text(session.title) if session is not None else ""
                line.append(Paragraph(markup, styles["grid"]))
            line += [""] * (columns - len(row.cells))
        rows.append(line)
    table = Table(
        rows,
        colWidths=[first] + [(width - first) / columns] * columns,
        repeatRows=1,
        hAlign="LEFT",
        splitInRow=1,  # many rooms and long titles: a row may run over to the next page
    )
    table.setStyle(TableStyle(commands))
    title = _("The grid as it ran")
    heading = Heading(text(title), ParagraphStyle("grid-h2", parent=styles["h2"], fontSize=14,
                      leading=17, spaceAfter=3 * mm), "grid", 0, title)  # fmt: skip
    return [heading, table]


def _grid_as_text(data: ReportData, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    event, rooms = data.event, data.grid.rooms
    lines = []
    for row in data.grid.rows:
        slot = row.slot
        lines.append(f"{_local_time(event, slot.start)}–{_local_time(event, slot.end)}")
        if row.spans_all:
            lines[-1] += f" {slot.label or slot.get_kind_display()}"
        for room, cell in zip(rooms, row.cells, strict=False):
            if cell.session is not None:
                lines.append(f"    {room.name}: {cell.session.title}")
    title = _("The grid as it ran")
    return [
        Heading(text(title), styles["h2"], "grid", 0, title),
        *_as_text("\n".join(lines), styles),
    ]


def _session_as_text(
    item: ReportSession, styles: dict[str, ParagraphStyle], event: Any, base_url: str
) -> list[Flowable]:
    """A session whose report could not be laid out: its heading (the contents and the links
    point at it) and its report's (or description's) text."""
    links = "\n".join(
        f"• {a.title} {a.url or (base_url + a.get_absolute_url())}" for a in item.attachments
    )
    head = _session_head(item, styles, event)
    source = item.session.report if item.report_html else item.session.description
    return [*head, *_as_text(source, styles), *_as_text(links, styles, note=False)]


def _session(
    item: ReportSession,
    styles: dict[str, ParagraphStyle],
    markdown: MarkdownFlowables,
    event: Any,
    base_url: str,
) -> list[Flowable]:
    """A session: its heading, its report, or else its description (most sessions of a
    barcamp have no report), then its slides (the first page beside the link) and links."""
    head = _session_head(item, styles, event)
    body: list[Flowable]
    if item.report_html:
        body = markdown(item.report_html)
    elif item.description_html:
        body = [
            Paragraph(text(_("From the session's description")), styles["intro-note"]),
            *markdown(item.description_html),
        ]
    else:
        body = [Paragraph(text(_("No report or description for this session.")), styles["small"])]
    block = _attachments(item, styles, markdown.width, base_url) if item.attachments else []
    if _short(body):  # a short text: the whole session on one page, its heading with it
        return [*head[:1], KeepTogether(head[1:] + body + block)]
    if block:
        last = body[-1]
        if type(last) is Paragraph and len(last.getPlainText()) < 400:
            block.insert(0, last)  # the slides stay with the session's end
            body[-1:] = []
        body.append(KeepTogether(block))  # (one level: a KeepTogether inside one never fits)
    first = body[0] if body else None
    if type(first) is Paragraph and len(first.getPlainText()) < 400:
        # the heading never ends a page: it goes along with a short first paragraph (a
        # long one splits, and the CondPageBreak leaves room for its first lines)
        return [*head[:1], KeepTogether(head[1:] + body[:1]), *body[1:]]
    return head + body


def _short(flowables: list[Flowable]) -> bool:
    """A few short paragraphs (a description, a report of a few lines): a quarter page."""
    return (
        len(flowables) <= 4
        and all(type(f) is Paragraph for f in flowables)
        and sum(len(f.getPlainText()) for f in flowables) < 700
    )


THUMBNAIL_BOX = (34 * mm, 26 * mm)  # the most a slide's first page takes, width × height


def _attachments(
    item: ReportSession, styles: dict[str, ParagraphStyle], width: float, base_url: str
) -> list[Flowable]:
    """ "Slides and links": each file with a first page as a thumbnail beside its link, the
    others (links, files without a picture) as a list; to be kept together on one page."""
    pictured: list[list[Any]] = []
    listed: list[Flowable] = []
    for attachment in item.attachments:
        href = attachment.url or (base_url + attachment.get_absolute_url())
        detail = attachment.get_kind_display()
        if attachment.size:
            detail += f", {filesizeformat(attachment.size)}"
        markup = (
            f"{link(href, text(attachment.title))}<br/>"
            f'<font size="8.5" color="#555555">{text(detail)}</font>'
        )
        picture = _thumbnail(attachment)
        if picture is not None:
            pictured.append([Thumbnail(picture, href, *THUMBNAIL_BOX),
                             Paragraph(markup, styles["attachment"])])  # fmt: skip
        else:
            listed.append(Paragraph(markup.replace("<br/>", " "), styles["li"], bulletText="•"))
    parts: list[Flowable] = [Paragraph(text(_("Slides and links")), styles["label"])]
    if pictured:
        table = Table(pictured, colWidths=[THUMBNAIL_BOX[0] + 4 * mm,
                      width - THUMBNAIL_BOX[0] - 4 * mm], hAlign="LEFT")  # fmt: skip
        table.setStyle(
            TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm),
            ])
        )  # fmt: skip
        parts.append(table)
    parts += listed
    return parts


def _session_head(
    item: ReportSession, styles: dict[str, ParagraphStyle], event: Any
) -> list[Flowable]:
    """The session's title, then when and where (in bold), its kind and votes, its hosts."""
    session = item.session
    meta = []
    if item.slot:
        meta.append(f"<b>{text(_when_where(item, event))}</b>")
    meta.append(text(session.get_kind_display()))
    meta.append(
        text(ngettext("%(n)s vote", "%(n)s votes", item.votes) % {"n": item.votes})
    )  # fmt: skip
    head: list[Flowable] = [
        CondPageBreak(45 * mm),  # the heading and the first lines below it
        HRFlowable(
            width="100%", thickness=0.75, color=RULE, spaceBefore=5 * mm, spaceAfter=1.5 * mm
        ),  # fmt: skip
        Heading(
            text(session.title),
            styles["session"],
            item.anchor,
            1,
            session.title,
        ),  # fmt: skip
        Paragraph(" · ".join(meta), styles["meta"]),
    ]
    if item.hosts:
        names = ", ".join(
            h.name + (f" ({h.organisation})" if h.organisation else "") for h in item.hosts
        )
        head.append(Paragraph(text(f"{_('Hosted by')} {names}"), styles["meta"]))
    if item.themes:
        head.append(Paragraph(" &nbsp; ".join(text(t.name) for t in item.themes), styles["themes"]))
    else:
        head.append(Spacer(0, 2 * mm))
    return head


# ---- pictures: the cover, the slides' first pages ----------------------------------------------

THUMBNAIL_PIXELS = 300  # at most, wide or high: 150-250 dpi at 34 mm, a few KB as JPEG
COVER_PIXELS = 1600


class Picture:
    """An image ready for the PDF: JPEG bytes, embedded as they are (`draw_on`), and their
    size in pixels."""

    def __init__(self, jpeg: bytes, width: int, height: int) -> None:
        self.jpeg, self.width, self.height = jpeg, width, height

    def draw_on(self, canvas: Any, x: float, y: float, width: float, height: float) -> None:
        """Draw it as an image XObject holding the JPEG's bytes. Not `canvas.drawImage`: given
        bytes rather than a file, that decodes the picture to name it and keeps the decoded
        pixels until the PDF is saved (~0.5 MB per slide, 150 MB for 300 sessions)."""
        name = "oocamp" + hashlib.sha1(self.jpeg, usedforsecurity=False).hexdigest()
        registered = canvas._doc.getXObjectName(name)
        if not canvas._doc.idToObject.get(registered):
            image = pdfdoc.PDFImageXObject(name)
            if not image.loadImageFromJPEG(io.BytesIO(self.jpeg)):
                raise ValueError("not a JPEG")
            image.streamContent, image._filters = self.jpeg, ("DCTDecode",)  # no ASCII85
            canvas._setXObjects(image)
            canvas._doc.Reference(image, registered)
            canvas._doc.addForm(name, image)
        canvas._currentPageHasImages = 1
        canvas.saveState()
        canvas.translate(x, y)
        canvas.scale(width, height)
        canvas._code.append(f"/{registered} Do")
        canvas.restoreState()
        canvas._formsinuse.append(name)


def _picture(data: bytes, most: int) -> Picture | None:
    """PNG or JPEG bytes as a JPEG at most `most` pixels wide and tall, transparency laid on
    white; None for anything else or anything Pillow cannot read."""
    try:
        with PILImage.open(io.BytesIO(data)) as image:
            if image.format not in {"PNG", "JPEG"}:
                return None
            image.draft("RGB", (most, most))  # a large JPEG is decoded at a smaller scale
            picture: Any = image
            if image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info:
                rgba = image.convert("RGBA")
                picture = PILImage.new("RGB", rgba.size, "white")
                picture.paste(rgba, mask=rgba.getchannel("A"))
            elif image.mode not in {"RGB", "L"}:
                picture = image.convert("RGB")
            if max(picture.size) > most:
                # a whole factor by boxes: several times faster than resampling, and a
                # thumbnail is drawn at 150-250 dpi anyway (300 of them in a big report)
                picture = picture.reduce(-(-max(picture.size) // most))
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=85)
            return Picture(out.getvalue(), *picture.size)
    except Exception as error:  # Pillow's errors vary: no picture then
        logger.info("report: a picture could not be read (%s)", error)
        return None


def _thumbnail(attachment: Any) -> Picture | None:
    """The first page of a stored PDF: its thumbnail (rendered by jobs/thumbnails.py), or, if
    that is not there yet, rendered now from the file, in memory (the report writes nothing
    but itself)."""
    png = None
    if attachment.thumbnail:
        try:
            with attachment.thumbnail.open("rb") as stored:
                png = stored.read()
        except OSError:
            png = None
    if png is None:
        if not attachment.file or attachment.content_type != uploads.PDF.content_type:
            return None
        try:
            with attachment.file.open("rb") as stored:
                png = uploads.render_pdf_thumbnail(stored, width=THUMBNAIL_PIXELS)
        except OSError:
            return None
    return _picture(png, THUMBNAIL_PIXELS) if png else None


def _cover_picture(event: Any) -> Picture | None:
    cover = getattr(event, "cover", None)
    if not cover:
        return None
    try:
        with cover.open("rb") as stored:
            data = stored.read()
    except OSError:
        logger.warning("report: the cover picture of event %s is missing", event.pk)
        return None
    return _picture(data, COVER_PIXELS)


class Thumbnail(Flowable):
    """A picture fitted into width × height, framed by a thin rule, a link to `href`."""

    def __init__(self, picture: Picture, href: str, width: float, height: float) -> None:
        super().__init__()
        self.picture = picture
        self.href = href
        scale = min(width / picture.width, height / picture.height)
        self.width, self.height = picture.width * scale, picture.height * scale

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        self.picture.draw_on(canvas, 0, 0, self.width, self.height)
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        canvas.restoreState()
        if urlsplit(self.href).scheme.lower() in SAFE_SCHEMES:
            canvas.linkURL(self.href, (0, 0, self.width, self.height), relative=1)


class CoverPicture(Flowable):
    """The event's picture or logo on the cover, on a white card (a dark logo stays legible
    on the blue), fitted into the width and at most `height` tall."""

    PAD = 3 * mm

    def __init__(self, picture: Picture, height: float) -> None:
        super().__init__()
        self.picture = picture
        self.most = height
        self.hAlign = "LEFT"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        room_w = available_width - 2 * self.PAD
        room_h = min(self.most, available_height) - 2 * self.PAD
        scale = min(room_w / self.picture.width, room_h / self.picture.height)
        self.image_size = (self.picture.width * scale, self.picture.height * scale)
        self.width = self.image_size[0] + 2 * self.PAD
        self.height = self.image_size[1] + 2 * self.PAD
        return self.width, self.height

    def getSpaceAfter(self) -> float:
        return 10 * mm

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(colors.white)
        canvas.roundRect(0, 0, self.width, self.height, 1.5 * mm, stroke=0, fill=1)
        canvas.restoreState()
        self.picture.draw_on(canvas, self.PAD, self.PAD, *self.image_size)


def _anchor_html(href: str, label: str) -> str:
    """An <a> for the Markdown converter (which checks the scheme again)."""
    return f'<a href="{escape(href, {chr(34): "&quot;"})}">{escape(label)}</a>'


# ---- the entry point ---------------------------------------------------------------------------


def write_report_pdf(
    data: ReportData,
    target: Path | Any,
    *,
    base_url: str,
    progress: Callable[[int, str], None] | None = None,
) -> list[str]:
    """The report of `data` as a PDF into `target` (a path or a binary file), in the active
    language. `progress(percent, message)` follows the layout, page by page.

    It always gives a PDF: content too big for a page is split, wrapped or scaled
    (`MarkdownFlowables`); a part that still cannot be laid out is printed as its plain text
    with a note, and the layout starts again without it. Returns the keys of the parts printed
    as text ("session-12", ...), in the order they appear."""
    register_fonts()
    tell = progress or (lambda percent, message: None)
    event = data.event
    pages_expected = max(4, 4 + len(data.held) * 2 // 3)

    def on_page(page: int) -> None:
        share = min(1.0, page / pages_expected)
        tell(20 + round(70 * share), _("Laying out page %(page)s") % {"page": page})

    language = translation.get_language() or event.language
    when = formats.date_format(event.date, "DATE_FORMAT")
    plain: set[str] = set()
    while True:
        document = ReportDocument(
            str(target) if isinstance(target, Path) else target,
            event_name=event.name,
            progress=on_page,
            title=f"{event.name} · {_('Event report')}",
            author=_("The organisers of %(event)s") % {"event": event.name},
            subject=f"{_('Event report')}: {event.name}, {when}",
            keywords=[part.theme.name for part in data.themes],
            creator="OOcamp",
            lang=language,
            pageCompression=1,
        )  # not invariant: the creation date is the build's
        story = report_story(data, base_url=base_url, plain=plain)
        parts = [f.key for f in story if isinstance(f, SectionMark) and f.key]  # build empties it
        tell(20, _("Writing the pages"))
        try:
            document.build(story)  # nothing is written to `target` before the last page
        except SectionFailed as failed:
            if failed.key is None or failed.key in plain:
                raise  # not a part people wrote, or even its plain text failed
            logger.warning("report part %s could not be laid out; printed as text", failed.key,
                           exc_info=failed.__cause__)  # fmt: skip
            plain.add(failed.key)
            continue
        return [key for key in dict.fromkeys(parts) if key in plain]
