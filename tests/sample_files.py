"""Files to upload, generated in the test: a real one-page PDF, the smallest ZIPs that are a
PPTX, an ODP or a Keynote deck by their members, images, and files that must be refused (an
executable, HTML and SVG with a script, a PDF that is not one); and what the uploads left on
disk."""

import io
import zipfile
from pathlib import Path

from PIL import Image

from sessions_app import uploads


def pdf_bytes(text: bytes = b"Hello slides") -> bytes:
    """A small, valid one-page PDF (hand-written: a blue box and a line of text)."""
    content = b"0.1 0.3 0.6 rg 20 20 260 120 re f BT /F1 24 Tf 30 200 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def pptx_bytes() -> bytes:
    """The smallest ZIP that is a PPTX by its members: [Content_Types].xml and ppt/."""
    return zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types"/>',
            "ppt/presentation.xml": b'<?xml version="1.0"?><p:presentation xmlns:p="http://'
            b'schemas.openxmlformats.org/presentationml/2006/main"/>',
        }
    )


def odp_bytes() -> bytes:
    return zip_bytes(
        {"mimetype": uploads.ODP.content_type.encode(), "content.xml": b"<office:document/>"}
    )


def key_bytes() -> bytes:
    return zip_bytes({"Index/Document.iwa": b"\x00\x01", "Metadata/Properties.plist": b""})


def image_bytes(format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#0b5394").save(buffer, format=format)
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.domain)</script></svg>"
)
CORRUPT_PDF = b"%PDF-1.7\n" + b"this is not really a PDF at all\n" * 20


def stored_files(media_root: Path) -> list[str]:
    """Every file under `media_root`, as sorted relative paths: what an upload left behind."""
    if not media_root.exists():
        return []
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def slide_deck_bytes(title: str, colour: str = "#0b4f8a", pages: int = 3) -> bytes:
    """A real 16:9 slide deck (ReportLab): a coloured band with the title on its first page,
    bullets below, and `pages` pages in all; what a host uploads, for thumbnails to show."""
    from reportlab.lib.colors import HexColor
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    width, height = 960, 540
    canvas = Canvas(buffer, pagesize=(width, height))
    for page in range(pages):
        canvas.setFillColor(HexColor(colour))
        canvas.rect(0, height - 170, width, 170, stroke=0, fill=1)
        canvas.setFillColor(HexColor("#ffffff"))
        canvas.setFont("Helvetica-Bold", 44)
        canvas.drawString(
            48, height - 110, title[:34] if page == 0 else f"{page + 1}. {title[:28]}"
        )
        canvas.setFillColor(HexColor("#333333"))
        canvas.setFont("Helvetica", 26)
        for line, words in enumerate(("Wat we zagen", "Wat werkt", "Wat nu?")):
            canvas.circle(64, height - 240 - 60 * line + 9, 7, stroke=0, fill=1)
            canvas.drawString(88, height - 240 - 60 * line, words)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def cover_picture_bytes(format: str = "PNG", size: tuple[int, int] = (1200, 520)) -> bytes:
    """An event's cover picture: a drawn banner with the event's name, as a PNG or JPEG."""
    from PIL import ImageDraw, ImageFont

    image = Image.new("RGB", size, "#f4b400")
    draw = ImageDraw.Draw(image)
    w, h = size
    for n in range(6):
        draw.ellipse((w * n / 6 - 60, h * 0.55, w * n / 6 + 160, h * 0.55 + 220), fill="#e37400")
    draw.rectangle((0, 0, w, h * 0.18), fill="#0b4f8a")
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", h // 5)
    except OSError:
        font = ImageFont.load_default()
    draw.text((w * 0.06, h * 0.26), "OOcamp", fill="#0b2545", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format=format)
    return buffer.getvalue()
