"""Markdown from participants is rendered, and nothing in it can run in a visitor's browser."""

import pytest

from sessions_app.markdown import render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<a href="#" onclick="alert(1)">x</a>',
    "<form action=https://evil.example><input name=p></form>",
    '<object data="x.swf"></object>',
    "![x](https://tracker.example/pixel.gif)",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_strings_leave_nothing_that_runs(attack):
    html = render_markdown(attack).lower()

    for dangerous in ["<script", "javascript:", "onerror", "onload", "onclick", "ontoggle",
                      "<iframe", "<style", "style=", "<svg", "<form", "<object", "<img",
                      "data:text"]:  # fmt: skip
        assert dangerous not in html


def test_markdown_is_rendered():
    html = render_markdown("## Kernpunten\n\n- **één**\n- [verslag](https://example.org/v)")

    assert html == (
        "<h2>Kernpunten</h2>\n<ul>\n<li><strong>één</strong></li>\n"
        '<li><a href="https://example.org/v" rel="noopener noreferrer nofollow">verslag</a></li>\n</ul>'
    )


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
