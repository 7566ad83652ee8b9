"""Attachment uploads, made safe: a size limit enforced while the body streams in, the type
read from the file's own bytes, and small helpers for names and thumbnails.

Why an upload handler: Django's `FILE_UPLOAD_MAX_MEMORY_SIZE` only decides between memory and
a temporary file; with the defaults a 2 GB upload is written whole to the temp directory and
then copied to MEDIA_ROOT. `LimitedUploadHandler` goes first in `request.upload_handlers` and
stops the upload as soon as the declared `Content-Length` or the bytes actually received pass
the limit, so no more than one chunk of an oversized file is ever read.

Why sniffing: the file name and the client's content type are whatever the uploader says. We
accept a file only if its bytes are a PDF, PNG or JPEG, or a ZIP that is a PPTX, ODP or Keynote
file, and we store and serve it with the type we found.
"""

import functools
import io
import logging
import re
import threading
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

logger = logging.getLogger(__name__)

# Room for the form fields and the multipart boundaries around the file itself.
MULTIPART_OVERHEAD = 64 * 1024
# ZIP-based types (PPTX, ODP, Keynote): a deck of a few hundred slides has hundreds of members
# and unpacks to about its own size (its images are compressed already). More members, or more
# than this unpacked (as the ZIP's directory declares it), is a ZIP bomb, not slides: whoever
# opens it later (the event's ZIP, a PowerPoint) would unpack it.
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_UNPACKED = 1024**3


class ZipBomb(Exception):
    """A ZIP-based file with too many members or too many bytes inside."""


THUMBNAIL_WIDTH = 480


def max_upload_bytes() -> int:
    return int(settings.OOCAMP_MAX_ATTACHMENT_BYTES)


# ---- the size limit, while the body streams in ---------------------------------------------


class UploadTooLarge(Exception):
    pass


class LimitedUploadHandler(FileUploadHandler):
    """Stops an upload that is (or says it is) larger than the limit; passes the rest on.

    Form fields before the file part (the CSRF token, the title) are still parsed, so a plain
    form gets its message instead of a CSRF failure. On refusal `request.upload_too_large` is
    set; the view answers 413. `StopUpload(connection_reset=True)` makes Django stop reading
    without draining the remaining body (raising it in `handle_raw_input` would give a 500)."""

    def __init__(self, request: HttpRequest | None = None, *, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = max_upload_bytes() if limit is None else limit
        self.seen = 0
        self.declared_too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.seen = 0
        if content_length and content_length > self.limit + MULTIPART_OVERHEAD:
            self.declared_too_large = True
        return None  # let Django parse the fields; the file part is refused in `new_file`

    def new_file(self, field_name, file_name, content_type, content_length, *args, **kwargs):
        self.seen = 0
        if self.declared_too_large or (content_length and content_length > self.limit):
            self._refuse()
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the UploadedFile

    def _refuse(self) -> None:
        if self.request is not None:
            # our flag on the request, declared on requests.HtmxHttpRequest for the views that
            # read it; not imported here, since the jobs import this module
            self.request.upload_too_large = True  # type: ignore[attr-defined]
        raise StopUpload(connection_reset=True)


def limited_upload(
    view: Callable[..., HttpResponse], *, limit: Callable[[], int] = max_upload_bytes
) -> Callable[..., HttpResponse]:
    """Put `LimitedUploadHandler` first for this view, keeping CSRF protection; `limit()` gives
    the bytes one file may have (an attachment's by default).

    The upload handlers must be set before anything reads `request.POST`, and the CSRF
    middleware reads it; hence Django's documented pattern: exempt the outer view from the
    middleware, set the handlers, then run the CSRF check on the inner one."""
    protected = csrf_protect(view)

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.upload_too_large = False  # type: ignore[attr-defined]  # as in _refuse
        request.upload_handlers = [
            LimitedUploadHandler(request, limit=limit()),
            MemoryFileUploadHandler(request),
            TemporaryFileUploadHandler(request),
        ]
        return protected(request, *args, **kwargs)

    return wrapper


# ---- the type, from the bytes ----------------------------------------------------------------


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str
    is_slides: bool = True


PDF = FileType("pdf", "application/pdf", "PDF")
PPTX = FileType(
    "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PowerPoint",
)
ODP = FileType("odp", "application/vnd.oasis.opendocument.presentation", "OpenDocument")
KEY = FileType("key", "application/vnd.apple.keynote", "Keynote")
PNG = FileType("png", "image/png", "PNG", is_slides=False)
JPEG = FileType("jpg", "image/jpeg", "JPEG", is_slides=False)
KNOWN_TYPES = {t.content_type: t for t in (PDF, PPTX, ODP, KEY, PNG, JPEG)}


def sniff(file: IO[bytes]) -> FileType | None:
    """The type of `file` from its content, or None if it is none we accept (ZipBomb for a ZIP
    over the limits above). Leaves the file at position 0. Never looks at the name or at what
    the client said."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            return _sniff_zip(file)
        finally:
            file.seek(0)
    return None


def _sniff_zip(file: IO[bytes]) -> FileType | None:
    """PPTX, ODP and Keynote files are ZIPs; tell them apart by their members' names (the
    central directory only: nothing is decompressed except ODP's 73-byte `mimetype`)."""
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if not infos:
                return None
            unpacked = sum(info.file_size for info in infos)
            if len(infos) > MAX_ZIP_MEMBERS or unpacked > MAX_ZIP_UNPACKED:
                raise ZipBomb(f"{len(infos)} members, {unpacked} bytes")
            names = {info.filename for info in infos}
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    if member.read(100).strip() == ODP.content_type.encode():
                        return ODP
            if "[Content_Types].xml" in names and any(n.startswith("ppt/") for n in names):
                return PPTX
            if "Index.zip" in names or any(n.startswith("Index/") for n in names):
                return KEY
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError):
        return None
    return None


# ---- names -----------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|;]+')


def clean_title(name: str) -> str:
    """A display title from an uploaded file's name: no directories, no extension, no control
    characters. `../../etc/passwd` becomes `passwd`."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    stem = _UNSAFE.sub(" ", stem).strip(" .")
    return " ".join(stem.split())[:200]


def download_name(title: str, extension: str) -> str:
    """The file name offered on download: the title made safe (letters of any script kept,
    Django encodes non-ASCII per RFC 5987), plus the extension of the type we stored."""
    base = _UNSAFE.sub(" ", unicodedata.normalize("NFC", title or ""))
    base = " ".join(base.split()).strip(" .")[:120] or "attachment"
    return f"{base}.{extension}" if extension else base


# ---- thumbnails ------------------------------------------------------------------------------


def render_pdf_thumbnail(file: IO[bytes], *, width: int = THUMBNAIL_WIDTH) -> bytes | None:
    """A PNG of the first page, `width` pixels wide, or None if the PDF cannot be rendered (a
    corrupt or encrypted file is still a fine attachment; it just shows an icon). PDFium reads
    from the open file what it needs, not the whole file into memory."""
    import pypdfium2 as pdfium  # a native library: loaded only where a thumbnail is rendered

    try:
        document = pdfium.PdfDocument(file)
        try:
            if len(document) == 0:
                return None
            page = document[0]
            page_width = page.get_width() or 1
            scale = min(max(width / page_width, 0.05), 4.0)
            image = page.render(scale=scale).to_pil()
            page.close()
        finally:
            document.close()
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
    except Exception as error:  # pdfium raises its own errors, Pillow others: "no thumbnail"
        # No exc_info: a kept traceback would hold the request's frames (and the upload in
        # them) until the cyclic garbage collector runs.
        logger.info("No thumbnail: the PDF could not be rendered (%s)", error)
        return None


def delete_stored(storage, *names: str) -> None:
    """Delete stored files by name (empty names are skipped)."""
    for name in names:
        if name:
            storage.delete(name)


def delete_stored_on_commit(storage, *names: str) -> None:
    """Delete them once the transaction commits: a rolled-back change keeps its files."""
    transaction.on_commit(lambda: delete_stored(storage, *names))


# ---- pictures: the event's cover -------------------------------------------------------------

MAX_PICTURE_BYTES = 10 * 1024 * 1024  # a photo straight from a phone fits; a poster scan too
# More pixels than a 50-megapixel camera makes is a decompression bomb, not a cover: a small
# PNG can unpack to gigabytes. Checked from the header, before any pixel is decoded.
MAX_PICTURE_PIXELS = 50_000_000
COVER_MAX_SIDE = 1600  # the long side of a re-encoded cover: sharp on an A4 page, a few 100 kB
PICTURE_TYPES = (PNG, JPEG)


def limited_picture_upload(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`limited_upload` with the pictures' limit, `MAX_PICTURE_BYTES`."""
    return limited_upload(view, limit=lambda: MAX_PICTURE_BYTES)


_TRUNCATED_LOCK = threading.Lock()


class NotAPicture(Exception):
    """Not a PNG or JPEG that decodes within the limits; the message says why, in English."""


def open_picture(file: IO[bytes]) -> tuple[FileType, Any]:
    """The sniffed type and the decoded Pillow image of a PNG or JPEG, or NotAPicture. The
    pixels are decoded here, so a truncated or damaged file is refused now, not when the
    report's PDF is built."""
    from PIL import Image, ImageFile  # loaded where pictures are read, as pypdfium2 is

    file_type = sniff(file)
    if file_type not in PICTURE_TYPES:
        raise NotAPicture("not a PNG or JPEG picture")
    try:
        image = Image.open(file, formats=["PNG" if file_type is PNG else "JPEG"])
        if image.width * image.height > MAX_PICTURE_PIXELS:
            raise NotAPicture(
                f"{image.width} × {image.height} pixels; at most {MAX_PICTURE_PIXELS} are read"
            )
        # WeasyPrint, once imported, lets Pillow pad a cut-off picture (a process-wide flag):
        # here a cut-off file is refused, so the flag is off while the pixels are decoded
        with _TRUNCATED_LOCK:
            allowed, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
            try:
                image.load()
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = allowed
    except NotAPicture:
        raise
    except Exception as error:  # Pillow raises OSError, SyntaxError, ValueError, ...: unreadable
        raise NotAPicture(f"cannot be decoded ({type(error).__name__}: {error})") from None
    finally:
        file.seek(0)
    return file_type, image


def reencode_picture(file: IO[bytes], *, max_side: int = COVER_MAX_SIDE) -> tuple[bytes, FileType]:
    """A PNG or JPEG drawn again from its pixels: turned the way its EXIF says, at most
    `max_side` pixels on its long side, without any metadata (EXIF with its GPS position,
    comments, colour profiles). A PNG stays a PNG (a logo keeps its transparency), a JPEG a
    JPEG. NotAPicture for anything else."""
    from PIL import Image, ImageOps  # loaded where pictures are read (see open_picture)

    file_type, image = open_picture(file)
    try:
        image = ImageOps.exif_transpose(image)
        if file_type is PNG:
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        else:
            image = image.convert("RGB")
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        image.info = {}  # nothing of the original travels on (PNG would keep its profile)
        buffer = io.BytesIO()
        if file_type is PNG:
            image.save(buffer, format="PNG", optimize=True)
        else:
            image.save(buffer, format="JPEG", quality=85, optimize=True)
    except Exception as error:  # a picture that decoded but cannot be drawn again
        raise NotAPicture(f"cannot be re-encoded ({type(error).__name__}: {error})") from None
    return buffer.getvalue(), file_type
