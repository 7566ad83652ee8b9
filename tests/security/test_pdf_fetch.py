"""Row 12: the PDFs (event report, door signs, session cards, anything through
`exports.pdf.render_pdf`) cannot read local files or reach the network. The event report is laid
out by ReportLab from escaped text and a fixed set of tags, with no image or file reference to
follow; every URL WeasyPrint (door signs, cards) asks for goes through `SafeURLFetcher`, which serves `data:` URIs and our own static files read
from disk, and refuses everything else. The attacks: `file:///etc/passwd` as an image, a
stylesheet and a PDF attachment, `http://127.0.0.1:<port>` (a server that counts hits), a static
path that climbs out; stored in every text field of an event and also handed to the renderer raw.
The counter-check: WeasyPrint's own default fetcher does fetch the same URLs."""

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from sessions_app.exports import paper, pdf
from sessions_app.exports.event_report import write_pdf
from tests.helpers import inflated
from tests.security.world import build_world

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"fetched-from-the-network")

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def evil_html(address: str) -> str:
    return (
        '<link rel="attachment" href="file:///etc/passwd">'
        '<link rel="stylesheet" href="file:///etc/passwd">'
        f'<link rel="attachment" href="{address}/attachment">'
        f'<link rel="stylesheet" href="{address}/style.css">'
        '<img src="file:///etc/passwd"><img src="file:///etc/hostname">'
        f'<img src="{address}/img.png"><img src="https://example.com/x.png">'
        f'<p style="background: url({address}/bg.png)">Hallo</p>'
        '<img src="/static/../../../../etc/passwd"><img src="/static/..%2F..%2Foocamp%2Fsettings.py">'
        f'<iframe src="{address}/frame"></iframe><object data="file:///etc/passwd"></object>'
    )


def assert_nothing_leaked(document: bytes) -> None:
    body = inflated(document)
    assert document.startswith(b"%PDF-")
    assert b"/EmbeddedFile" not in body
    assert b"root:x:0" not in body
    assert b"fetched-from-the-network" not in body


class CountingFetcher(pdf.SafeURLFetcher):
    """The real fetcher, counting what it was asked for and what it served."""

    asked: list[str] = []
    served: list[str] = []

    def fetch(self, url, headers=None):
        CountingFetcher.asked.append(url)
        response = super().fetch(url, headers)
        CountingFetcher.served.append(url)
        return response


@pytest.fixture
def counting(monkeypatch):
    CountingFetcher.asked, CountingFetcher.served = [], []
    monkeypatch.setattr(pdf, "SafeURLFetcher", CountingFetcher)
    return CountingFetcher


def test_render_pdf_fetches_only_data_and_static(http_server, counting) -> None:
    address, hits = http_server
    document = pdf.render_pdf(
        evil_html(address)
        + '<img src="data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22/>">',
        base_url=address + "/",
    )
    assert_nothing_leaked(document)
    assert hits == []
    outside = [u for u in counting.served if not u.startswith("data:")]
    assert outside == []
    assert any(u.startswith("data:") for u in counting.served)  # data: does work
    print(
        f"\npdf: {len(counting.asked)} URLs asked for, {len(counting.served)} served "
        f"(data: only), {len(hits)} network fetches, no /EmbeddedFile, no root:x:0"
    )


@pytest.mark.django_db
def test_event_report_and_paper_pdfs_with_evil_urls_in_every_field(
    http_server, counting, tmp_path, settings
) -> None:
    address, hits = http_server
    settings.OOCAMP_BASE_URL = address  # the site's own address: still nothing fetched from it
    texts = [
        evil_html(address)[:95],
        f"![x]({address}/md.png)",
        "![x](file:///etc/passwd)",
        f'<link rel="attachment" href="{address}/a">',
        '<link rel="attachment" href="file:///etc/passwd">',
        f"[x]({address}/link)",
        f'<img src="{address}/i.png">',
        '<img src="file:///etc/hostname">',
        "file:///etc/passwd",
        f"{address}/attachment-url",
        "Zaal A",
        "Zaal B",
    ]
    world = build_world(texts)
    target = tmp_path / "report.pdf"
    write_pdf(world.event, target)
    documents = {
        "event report": target.read_bytes(),
        "door signs": paper.door_signs_pdf(world.event, address + "/"),
        "session cards": paper.session_cards_pdf(world.event, address + "/"),
    }
    for document in documents.values():
        assert_nothing_leaked(document)
    assert hits == []
    outside = [u for u in counting.served if not u.startswith("data:")]
    assert all("/static/" in u for u in outside), outside  # our own CSS and fonts, from disk
    print(
        f"\npdf: {len(documents)} PDFs of an event with file:// and http://127.0.0.1 URLs in "
        f"every field: {len(hits)} network fetches, {len(counting.asked)} URLs asked, "
        f"{len(outside)} served from static files, 0 /EmbeddedFile"
    )


def test_every_weasyprint_call_goes_through_the_safe_fetcher() -> None:
    calls = []
    for path in (ROOT / "sessions_app").rglob("*.py"):
        for match in re.finditer(r"\bHTML\((.*?)\)", path.read_text(encoding="utf-8"), re.S):
            calls.append((path.name, match.group(1)))
    assert calls, "no WeasyPrint call found"
    for name, arguments in calls:
        assert "url_fetcher=fetcher" in arguments, (name, arguments)


def test_counter_check_weasyprints_default_fetcher_does_fetch(http_server, tmp_path) -> None:
    address, hits = http_server
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:stand-in")
    html = (
        f'<link rel="attachment" href="file://{secret}"><img src="{address}/img.png"><p>Hallo</p>'
    )
    document = HTML(string=html, url_fetcher=URLFetcher()).write_pdf()
    assert hits == ["/img.png"]
    assert b"/EmbeddedFile" in inflated(document)
    print("\npdf counter-check: the default fetcher fetched the http URL and embedded the file")
