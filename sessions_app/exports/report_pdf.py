"""The event report's PDF, laid out with ReportLab in one pass.

Why not WeasyPrint, as the other PDFs (door signs, session cards) are: for a 300-session event
with a Markdown report of ~1,000 characters per session (bench/report/run.py) WeasyPrint 70
took 30-45 s of CPU and ~550 MiB without PDF tags, ~55 s with them. No CSS feature was to blame
(leaders, target-counter, string-set, flex, breaks, links, the grid page: each removed alone
changed the time by less than the noise); its pure-Python layout costs about 0.1 s of CPU per
page for this nested markup, and even the sessions reduced to bare paragraphs took ~7 s.
ReportLab (its C accelerator rl-accel saves 10-15 %) writes the same 173 pages in ~3.3 s,
the process peaking at ~140 MiB with Django and the event loaded (reliability plan row 13:
tests/load/test_report_pdf.py). Typst was tried too: 1.3 s and tagged, but ~240 MiB.

The look follows the former HTML/CSS version: a blue cover, a table of contents with dotted
leaders and page numbers, the figures, the grid on a landscape page, the themes with their
synthesis, one block per session, the conclusion; the event's name and the page number in
the footer; bookmarks, internal links and the document language set. The one thing lost is the
tagged structure (WeasyPrint's `pdf_tags`), which ReportLab cannot write.

The table of contents is filled in without a second pass: each entry's leader and page number
is a form XObject that the page refers to while it is laid out and that is defined once every
page number is known (PDF allows the forward reference).

Safety: ReportLab's paragraph markup would load images (`<img src>`) and accept any link, so
user text never reaches it as markup: the sanitised Markdown HTML (sessions_app.markdown) is
parsed and rebuilt from a fixed set of tags, every text escaped, links only to http(s) and
mailto. Nothing is fetched, nothing embedded.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
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
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    Indenter,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

if TYPE_CHECKING:
    from sessions_app.exports.report import ReportData, ReportSession

BLUE = colors.HexColor("#0b4f8a")
PALE = colors.HexColor("#e6eef6")
INK = colors.HexColor("#111111")
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#bbbbbb")
SAFE_SCHEMES = {"http", "https", "mailto"}

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
    base = ParagraphStyle("body", fontName="OOSans", fontSize=10, leading=14.5, textColor=INK)

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
            "h2", parent=heading, fontSize=17, leading=20.4, textColor=BLUE, spaceAfter=4 * mm
        ),  # fmt: skip
        "h3": style(
            "h3", parent=heading, fontSize=12.5, leading=15, spaceBefore=4 * mm, spaceAfter=1.5 * mm
        ),  # fmt: skip
        "h4": style(
            "h4", parent=heading, fontSize=10, leading=12, spaceBefore=3 * mm, spaceAfter=1 * mm
        ),  # fmt: skip
        # headings inside Markdown texts: below the session's own title
        "md2": style(
            "md2",
            parent=heading,
            fontSize=11,
            leading=13.5,
            spaceBefore=3 * mm,
            spaceAfter=1.2 * mm,
        ),  # fmt: skip
        "md3": style(
            "md3",
            parent=heading,
            fontSize=10.5,
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
            "cover-figures", fontSize=11, leading=15, textColor=colors.white, spaceBefore=30 * mm
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
    much to lay out); table cells that fit on one line are plain strings."""

    INDENT = 6 * mm

    def __init__(self, styles: dict[str, ParagraphStyle], width: float) -> None:
        self.styles = styles
        self.width = width
        self.derived: dict[tuple[str, int], ParagraphStyle] = {}

    def __call__(self, html: str) -> list[Flowable]:
        return self.blocks(parse_html(str(html)).children, "p", 0, [])

    def style(self, name: str, depth: int) -> ParagraphStyle:
        if depth == 0:
            return self.styles[name]
        key = (name, depth)
        if key not in self.derived:
            parent = self.styles[name]
            self.derived[key] = ParagraphStyle(
                f"{name}-{depth}",
                parent=parent,
                leftIndent=parent.leftIndent + depth * self.INDENT,
                bulletIndent=parent.leftIndent + depth * self.INDENT - 4.5 * mm,
                bulletFontName="OOSans",
            )
        return self.derived[key]

    def paragraph(self, markup: str, style: str, depth: int, bullet: list[str]) -> list[Flowable]:
        """A paragraph, carrying the pending list marker if there is one."""
        marker = bullet.pop() if bullet else None
        if not markup.strip() and marker is None:
            return []
        return [Paragraph(markup, self.style(style, depth), bulletText=marker)]

    def blocks(
        self, nodes: list[_Node | str], style: str, depth: int, bullet: list[str]
    ) -> list[Flowable]:
        out: list[Flowable] = []
        loose: list[_Node | str] = []

        def flush() -> None:
            if loose:
                markup = inline(loose)
                loose.clear()
                if markup.strip():
                    out.extend(self.paragraph(markup, style, depth, bullet))

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
        if tag == "p":
            return self.paragraph(inline(node.children), style, depth, bullet)
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            level = min(4, max(2, int(tag[1])))
            heading = self.paragraph(inline(node.children), f"md{level}", depth, bullet)
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
            raw = "".join(_texts(node))
            markup = "<br/>".join(
                text(line).replace("  ", "&nbsp; ") for line in raw.rstrip("\n").split("\n")
            )
            return self.paragraph(markup, "pre", depth, bullet)
        if tag == "hr":
            return [HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=2 * mm,
                               spaceAfter=2 * mm)]  # fmt: skip
        if tag == "table":
            indent = depth * self.INDENT
            table = self.table(node, self.width - indent)
            if table and indent:
                return [Indenter(left=indent), *table, Indenter(left=-indent)]
            return table
        return []

    def table(self, node: _Node, width: float) -> list[Flowable]:
        rows: list[list[Any]] = []
        commands: list[tuple] = [
            ("FONT", (0, 0), (-1, -1), "OOSans", 9, 11.5),
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm),
            ("LEFTPADDING", (0, 0), (-1, -1), 1 * mm),
            ("RIGHTPADDING", (0, 0), (-1, -1), 1 * mm),
        ]
        header_rows = 0
        found = list(_table_rows(node))
        columns = max(
            (sum(1 for c in r.children if isinstance(c, _Node) and c.tag in {"td", "th"})
             for r, _head in found),
            default=0,
        )  # fmt: skip
        if not columns:
            return []
        room = width / columns - 2 * mm
        for row, in_head in found:
            line: list[Any] = []
            r = len(rows)
            for cell in row.children:
                if not isinstance(cell, _Node) or cell.tag not in {"td", "th"}:
                    continue
                c = len(line)
                head = cell.tag == "th"
                font = "OOSans-Bold" if head else "OOSans"
                align = cell.attrs.get("align", "").upper()
                if align in {"CENTER", "RIGHT"}:
                    commands.append(("ALIGN", (c, r), (c, r), align))
                plain = all(isinstance(x, str) for x in cell.children)
                value = " ".join("".join(cell.children).split()) if plain else ""  # type: ignore[arg-type]
                if plain and pdfmetrics.stringWidth(value, font, 9) <= room:
                    line.append(value)
                    if head:
                        commands.append(("FONT", (c, r), (c, r), font, 9, 11.5))
                else:
                    style = self.styles["cell-head" if head else "cell"]
                    if align in {"CENTER", "RIGHT"}:
                        style = ParagraphStyle(
                            "cell-aligned",
                            parent=style,
                            alignment=TA_CENTER if align == "CENTER" else TA_RIGHT,
                        )
                    line.append(Paragraph(inline(cell.children), style))
            if line:
                line += [""] * (columns - len(line))
                rows.append(line)
                if in_head and header_rows == r:
                    header_rows += 1
        table = Table(rows, colWidths=[width / columns] * columns, repeatRows=header_rows,
                      hAlign="LEFT")  # fmt: skip
        table.setStyle(TableStyle(commands))
        return [table, Spacer(0, 2.5 * mm)]


def _texts(node: _Node) -> Iterable[str]:
    for child in node.children:
        if isinstance(child, str):
            yield child
        else:
            yield from _texts(child)


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


class ReportDocument(BaseDocTemplate):
    """A4 pages with the event's name and the page number below; a cover without them; a
    landscape page for the grid. Records each heading's page for the table of contents."""

    def __init__(self, target: Any, *, event_name: str, progress: Callable[[int], None],
                 **kw: Any) -> None:  # fmt: skip
        super().__init__(target, pagesize=A4, **kw)
        self.event_name = event_name
        self.progress = progress
        self.anchor_pages: dict[str, int] = {}
        portrait = Frame(18 * mm, 22 * mm, A4[0] - 36 * mm, A4[1] - 42 * mm, id="portrait",
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
        cover = Frame(22 * mm, 20 * mm, A4[0] - 44 * mm, A4[1] - 100 * mm, id="cover",
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

    def afterFlowable(self, flowable: Flowable) -> None:
        anchor = getattr(flowable, "anchor", None)
        if anchor and isinstance(flowable, Heading):
            self.anchor_pages[anchor] = self.page
            self.progress(self.page)

    def _endBuild(self) -> None:
        self._doSave = 0  # finish the last page, then define the forms, then save
        super()._endBuild()
        self.define_toc_forms()
        self.canv.save()

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


def report_story(data: ReportData, *, base_url: str) -> list[Flowable]:
    """Everything the report shows, in order, as ReportLab flowables."""
    styles = _styles()
    event = data.event
    markdown = MarkdownFlowables(styles, A4[0] - 36 * mm)
    forms = iter(range(1, 1_000_000))
    story: list[Flowable] = [NextPageTemplate("page")]

    def chapter(anchor: str, title: str) -> Heading:
        return Heading(text(title), styles["h2"], anchor, 0, title)

    # the cover
    report_url = base_url + reverse("public:event-report", args=[event.slug])
    when = formats.date_format(event.date, "DATE_FORMAT")
    if event.venue:
        when = f"{when} · {event.venue}"
    held = data.figures["held"]
    people = data.figures["participants"]
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
        story += [chapter("introduction", _("Introduction")), *markdown(data.introduction_html)]
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
        story += _grid(data, styles)
        story += [NextPageTemplate("page")]

    # themes
    if data.themes:
        story += [PageBreak(), chapter("themes", _("Themes"))]
        for item in data.themes:
            story.append(Paragraph(text(item.theme.name), styles["h3"]))
            if item.synthesis_html:
                story += markdown(item.synthesis_html)
            if item.sessions:
                story += markdown(
                    "<ul>"
                    + "".join(
                        f'<li><a href="#{e.anchor}">{escape(e.session.title)}</a></li>'
                        for e in item.sessions
                    )
                    + "</ul>"
                )

    # the sessions
    story += [PageBreak(), chapter("sessions", _("The sessions"))]
    for item in data.held:
        story += _session(item, styles, markdown, event, base_url)
    if not data.held:
        story.append(Paragraph(text(_("No session has been marked as held yet.")), styles["p"]))

    # conclusion
    if data.conclusion_html:
        story += [PageBreak(), chapter("conclusion", _("Conclusion"))]
        story += markdown(data.conclusion_html)
    return story


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
                if session is not None and getattr(session, "report_anchor", ""):
                    markup = link(f"#{session.report_anchor}", text(session.title))
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
    )
    table.setStyle(TableStyle(commands))
    title = _("The grid as it ran")
    heading = Heading(text(title), ParagraphStyle("grid-h2", parent=styles["h2"], fontSize=14,
                      leading=17, spaceAfter=3 * mm), "grid", 0, title)  # fmt: skip
    return [heading, table]


def _session(
    item: ReportSession,
    styles: dict[str, ParagraphStyle],
    markdown: MarkdownFlowables,
    event: Any,
    base_url: str,
) -> list[Flowable]:
    session = item.session
    meta = [f"<b>{text(session.get_kind_display())}</b>"]
    if item.hosts:
        names = ", ".join(
            h.name + (f" ({h.organisation})" if h.organisation else "") for h in item.hosts
        )
        meta.append(text(f"{_('Hosted by')} {names}"))
    if item.slot:
        start, end = _local_time(event, item.slot.start), _local_time(event, item.slot.end)
        meta.append(text(f"{start}–{end}, {item.room.name if item.room else ''}"))
    meta.append(
        text(ngettext("%(n)s vote", "%(n)s votes", item.votes) % {"n": item.votes})
    )  # fmt: skip
    head: list[Flowable] = [
        CondPageBreak(35 * mm),
        HRFlowable(
            width="100%", thickness=0.75, color=RULE, spaceBefore=5 * mm, spaceAfter=1 * mm
        ),  # fmt: skip
        Heading(
            text(session.title),
            ParagraphStyle("session-h3", parent=styles["h3"], spaceBefore=0),
            item.anchor,
            1,
            session.title,
        ),  # fmt: skip
        Paragraph(" · ".join(meta), styles["meta"]),
    ]
    if item.themes:
        head.append(Paragraph(" &nbsp; ".join(text(t.name) for t in item.themes), styles["themes"]))
    else:
        head.append(Spacer(0, 2 * mm))
    body: list[Flowable]
    if item.report_html:
        body = markdown(item.report_html)
    else:
        body = [Paragraph(text(_("No report was written for this session.")), styles["small"])]
    if item.attachments:
        lines = []
        for attachment in item.attachments:
            href = attachment.url or (base_url + attachment.get_absolute_url())
            detail = attachment.get_kind_display()
            if attachment.size:
                detail += f", {filesizeformat(attachment.size)}"
            lines.append(
                f"<li>{_anchor_html(href, attachment.title)} "
                f'<font size="8.5" color="#555555">{escape(detail)}</font></li>'
            )
        body += [Paragraph(text(_("Slides and links")), styles["h4"])]
        body += markdown(f"<ul>{''.join(lines)}</ul>")
    return head + body


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
) -> None:
    """The report of `data` as a PDF into `target` (a path or a binary file), in the active
    language. `progress(percent, message)` follows the layout, page by page."""
    register_fonts()
    tell = progress or (lambda percent, message: None)
    event = data.event
    pages_expected = max(4, 4 + len(data.held) * 2 // 3)

    def on_page(page: int) -> None:
        share = min(1.0, page / pages_expected)
        tell(20 + round(70 * share), _("Laying out page %(page)s") % {"page": page})

    language = translation.get_language() or event.language
    when = formats.date_format(event.date, "DATE_FORMAT")
    document = ReportDocument(
        str(target) if isinstance(target, Path) else target,
        event_name=event.name,
        progress=on_page,
        title=f"{event.name} · {_('Event report')}",
        author=event.name,
        subject=f"{_('Event report')}: {event.name}, {when}",
        creator="OOcamp",
        lang=language,
        pageCompression=1,
        invariant=1,  # the same event gives the same bytes: no time stamps, a fixed ID
    )
    story = report_story(data, base_url=base_url)
    tell(20, _("Writing the pages"))
    document.build(story)
