"""Answers compressed by the app itself: Brotli where the client accepts it, else gzip, for
text (HTML, JSON, XML, iCalendar, CSV, Atom, SVG, ...), so a phone gets the grid and the feeds
in a fifth of the bytes also where no proxy compresses them. Django's GZipMiddleware does the
gzip, with its random padding; a few lines here add Brotli the same way.

What stays as it is: streamed answers (files, the report's PDF and ZIP, attachments, static
files: WhiteNoise has its own compressed copies), other types (PDF, ZIP, pictures are
compressed already), answers with a Content-Encoding, short ones (under 200 bytes, 304s),
and a compressed body that would not be shorter.

Secrets on compressed pages (BREACH: an attacker who puts text of their own in a page and
watches its compressed length guesses a secret of the same page): the session cookie is
SameSite=Lax, so a page an attacker's site makes the browser fetch (fetch, img, iframe) is
fetched signed out, without the visitor's data; the CSRF token is masked anew in every answer,
so it never repeats for a guess to match; and, as in Django's GZipMiddleware, every
compressed body carries a random number of bytes (up to 100) that decoders skip, so its length
does not tell a one-byte match.

ETags: a compressed body is not the plain body, so a strong ETag becomes weak (W/"...", as
Django's GZipMiddleware does); Django compares If-None-Match weakly, so a client that
revalidates gets its 304 however the body was encoded.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

import brotli
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

MIN_BYTES = 200  # shorter answers are not worth it: the headers outweigh what is saved
PADDING_BYTES = GZipMiddleware.max_random_bytes  # 100, as Django pads gzip
BROTLI_QUALITY = 5  # of 0-11: nearly the size of 11 at a fraction of the CPU (bench/compress)
COMPRESSIBLE = re.compile(
    r"(text/|application/(json|xml|javascript|[\w.-]+\+(xml|json))|image/svg\+xml)",
    re.IGNORECASE,
)
CODING = re.compile(r"\s*([\w*-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def accepted(header: str) -> str | None:
    """The coding to answer with: "br", "gzip" or None (plain), from an Accept-Encoding header
    of any shape (what cannot be read is ignored; q=0 refuses a coding, `*` stands for the
    codings not named)."""
    weights: dict[str, float] = {}
    for part in header.split(",")[:50]:
        match = CODING.match(part)
        if not match:
            continue
        try:
            weight = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        weights[match.group(1).lower()] = weight
    anything = weights.get("*", 0.0)
    weight, _, coding = max((weights.get(c, anything), c == "br", c) for c in ("br", "gzip"))
    return coding if weight > 0 else None  # the client's first choice; Brotli on a tie


def brotli_padded(body: bytes) -> bytes:
    """`body` compressed with Brotli, and a metadata block of random length in front of it
    (RFC 7932, 9.2: decoders skip it). After `flush` the stream is at a byte boundary between
    meta-blocks, where one more block may go."""
    compressor = brotli.Compressor(quality=BROTLI_QUALITY)
    start = compressor.process(b"") + compressor.flush()  # the stream header, then aligned
    length = 1 + secrets.randbelow(PADDING_BYTES)
    # ISLAST 0, MNIBBLES 0 (coded 3), a reserved 0, MSKIPBYTES 1, MSKIPLEN - 1: 14 bits, LSB first
    header = ((3 << 1) | (1 << 4) | ((length - 1) << 6)).to_bytes(2, "little")
    return start + header + bytes(length) + compressor.process(body) + compressor.finish()


class CompressionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            not isinstance(response, HttpResponse)  # streamed: files, downloads, static files
            or response.has_header("Content-Encoding")
            or not COMPRESSIBLE.match(response.get("Content-Type", ""))
            or len(response.content) < MIN_BYTES
        ):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        coding = accepted(request.headers.get("Accept-Encoding", ""))
        if coding is None:
            return response
        if coding == "br":
            body = brotli_padded(response.content)
        else:
            body = compress_string(response.content, max_random_bytes=PADDING_BYTES)
        if len(body) >= len(response.content):
            return response
        response.content = body
        response["Content-Length"] = str(len(body))
        response["Content-Encoding"] = coding
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response["ETag"] = "W/" + etag
        return response
