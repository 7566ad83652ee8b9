"""QR codes, made in one place: every code on a page, a poster, a sign or a card is drawn here
by segno from an address we built ourselves (never from text a visitor typed), always with the
same error correction (level M: still readable from a beamer across a room or a creased sheet).

Three shapes, for the three ways a code reaches a screen or paper:
- `inline_svg`: an `<svg>` element to put straight into an HTML page (no XML namespace, which
  HTML does not need);
- `svg_document`: a standalone SVG file, for an `<img src>` pointing at a URL of ours (an image
  without the SVG namespace draws nothing);
- `svg_data_uri` / `print_data_uri`: an SVG `data:` URI, for an `<img>` that scales with CSS, and
  for the PDFs, which may load no other kind of URL.
"""

import functools
import io

import segno
from django.utils.safestring import SafeString, mark_safe

BLACK = "#000"
WHITE = "#fff"


def _code(url: str) -> segno.QRCode:
    return segno.make(url, error="m")


def inline_svg(url: str) -> SafeString:
    """An inline SVG of `url` for a page (the feeds' codes, now & next's code to the grid)."""
    svg = _code(url).svg_inline(scale=5, border=2, dark=BLACK, light=WHITE, omitsize=True)
    # segno's SVG of an address we built: no script in it, nothing a visitor typed
    return mark_safe(svg)


def svg_document(url: str) -> bytes:
    """A standalone SVG file of `url`, large enough for a poster on a beamer (the join code)."""
    svg = io.BytesIO()
    _code(url).save(svg, kind="svg", scale=10, border=2, dark=BLACK, light=WHITE, omitsize=True)
    return svg.getvalue()


def svg_data_uri(url: str, *, scale: int, border: int) -> str:
    """`url` as an SVG `data:` URI on white, for an `<img>` on a screen (the desk's sign-in
    link, an authenticator's set-up code)."""
    return _code(url).svg_data_uri(scale=scale, border=border, dark=BLACK, light=WHITE)


@functools.lru_cache(maxsize=4096)  # a few ms each; the same sessions are printed again and again
def print_data_uri(url: str) -> str:
    """`url` as an SVG `data:` URI for paper: no quiet zone of its own (the page's margin is
    one) and no background, for the PDFs' door signs and session cards."""
    return _code(url).svg_data_uri(border=0, dark=BLACK)
