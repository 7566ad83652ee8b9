"""HTML to PDF with WeasyPrint, without ever leaving the process for the network.

WeasyPrint's own URL fetcher follows any `http://`, `https://` or `file://` URL it meets in the
HTML: a session title or report that smuggles in `<img src="http://…">` or
`<link rel="attachment" href="file:///etc/passwd">` would make the server fetch it, or embed
the file in the PDF (the CVE-2024-28184 kind of hole: WeasyPrint's default fetcher, even since
version 70, still allows it). So every PDF of ours goes through `render_pdf`, whose
`SafeURLFetcher` serves only

- `data:` URIs (inline images, e.g. QR codes as SVG), and
- our own static files (`{% static %}` URLs), read from disk through Django's staticfiles
  finders (or `STATIC_ROOT` once collected) — never over HTTP, and only files that really
  are static files: a path that climbs out of them is refused.

Everything else is refused: WeasyPrint logs a warning and leaves the resource out, and the PDF
is still produced. Use:

    from sessions_app.exports.pdf import pdf_response, render_pdf

    pdf = render_pdf(render_to_string("…/print.html", context))
    return pdf_response(pdf, "report.pdf")

Templates link stylesheets and images with `{% static %}` as usual: a root-relative
`/static/…` resolves against `PDF_BASE_URL`, a made-up origin that only this fetcher
understands.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

# A made-up origin (".invalid" never resolves, RFC 2606): relative and root-relative URLs in
# the HTML resolve against it, so they can only ever reach `SafeURLFetcher`'s static files.
PDF_BASE_URL = "https://oocamp.invalid/"


class RefusedURL(ValueError):
    """A URL the PDF renderer will not fetch (WeasyPrint logs it and leaves it out)."""


class SafeURLFetcher(URLFetcher):
    """Serves `data:` URIs and our own static files; refuses every other URL.

    `static_prefixes` are the absolute URL prefixes under which static files are found
    (e.g. "https://oocamp.invalid/static/"): a URL starting with one of them is read from disk
    by its path below the prefix, never fetched.
    """

    def __init__(self, static_prefixes: tuple[str, ...]) -> None:
        # Only `data:` may reach urllib at all; no redirects, a short timeout for good measure.
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=2)
        self.static_prefixes = static_prefixes

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        for prefix in self.static_prefixes:
            if url.startswith(prefix):
                path = static_file(unquote(urlsplit(url).path.removeprefix(urlsplit(prefix).path)))
                if path is None:
                    raise RefusedURL(f"not one of our static files: {url}")
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, path.read_bytes(), {"Content-Type": content_type}, status=200
                )
        raise RefusedURL(f"PDFs fetch nothing from outside: {url}")


def static_file(relative: str) -> Path | None:
    """The file of the static file `relative` ("css/print.css"), or None if there is none or
    the path tries to leave the static files."""
    relative = relative.lstrip("/")
    if not relative or "\x00" in relative or ".." in Path(relative).parts:
        return None
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    if found:
        path = Path(found if isinstance(found, str) else found[0]).resolve()
    else:
        root = Path(settings.STATIC_ROOT).resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root):
            return None
    return path if path.is_file() else None


def static_prefixes(base_url: str) -> tuple[str, ...]:
    """Where static files live as seen from a page rendered at `base_url` (and always at
    `PDF_BASE_URL`)."""
    static_url = settings.STATIC_URL
    if urlsplit(static_url).scheme:  # static files on another host (a CDN): still read from disk
        return (static_url,)
    bases = dict.fromkeys([PDF_BASE_URL, base_url])
    return tuple(urljoin(base, "/" + static_url.lstrip("/")) for base in bases)


def render_document(html: str, base_url: str | None = None) -> Document:
    """`html` laid out in pages (WeasyPrint's `Document`: count `.pages`, then `.write_pdf()`),
    for callers that check the layout before writing; see `render_pdf`."""
    base = base_url or PDF_BASE_URL
    fetcher = SafeURLFetcher(static_prefixes(base))
    return HTML(string=html, base_url=base, url_fetcher=fetcher).render()


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of `html`. `base_url` is what relative URLs resolve against (default
    `PDF_BASE_URL`); if it is the site's real address, static URLs under it are still read
    from disk, and nothing else under it is fetched."""
    return render_document(html, base_url).write_pdf()


def pdf_response(pdf: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    """An HTTP response carrying `pdf`, shown in the browser (or saved, if `download`) under
    `filename`. Never cached by shared caches: organiser PDFs hold what only they may see."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = content_disposition_header(download, filename)
    assert disposition is not None  # there is one whenever there is a filename
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-cache"
    return response
