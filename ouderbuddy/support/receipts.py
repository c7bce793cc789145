"""Receipts (bonnetjes) a buddy uploads from the phone: checked by their content,
never by their name, and stored under a random name in the private `receipts`
storage (settings.STORAGES; a national installation points it at object storage).

- The type comes from the first bytes: JPEG (FF D8 FF), PNG (89 50 4E 47) or PDF
  (%PDF-). A HEIC photo (the iPhone's own format) is refused with a way out unless
  the installed Pillow can open it (it cannot without a HEIF plugin, which is not a
  dependency); then it becomes a JPEG.
- A photo is opened and drawn again by Pillow: EXIF (with GPS) and any other
  metadata are left behind, the orientation is applied, the longest side is at most
  `MAX_SIDE` pixels. What comes out is a new file, not the upload.
- A PDF that can run something (/JavaScript, /JS, /Launch, /EmbeddedFile(s),
  /RichMedia) is refused: a byte scan of the whole file, with #xx escapes in names
  undone first. Compressed object streams could still hide a name; the file is only
  ever served as a download with `nosniff` (views_expenses.receipt).
- At most settings.RECEIPT_MAX_BYTES (10 MB by default)."""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ouderbuddy.lib.errors import DomainError

STORAGE = "receipts"
MAX_SIDE = 2000
MAX_PIXELS = 50_000_000
JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf"}
# Names in a PDF that make it run or carry something.
PDF_ACTIVE = (b"/javascript", b"/js", b"/launch", b"/embeddedfile", b"/richmedia")
_NAME_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")
_HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis")


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder outside MEDIA_ROOT and the static files, with no URL of its own."""

    def url(self, name: str | None) -> str:
        raise ValueError(
            "Receipts have no address; views_expenses.receipt serves them."
        )


@dataclass(frozen=True)
class Receipt:
    """A checked receipt, ready to store."""

    content: bytes
    content_type: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def max_bytes() -> int:
    return int(settings.RECEIPT_MAX_BYTES)


def storage() -> Storage:
    return storages[STORAGE]


def _refuse(message: str) -> DomainError:
    return DomainError(message, field="receipt")


def read_upload(upload: Any) -> bytes:
    """The upload's bytes, at most the limit (one byte more tells it is too big)."""
    limit = max_bytes()
    if getattr(upload, "size", 0) and upload.size > limit:
        raise _refuse(too_large_message())
    upload.seek(0)
    data: bytes = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(too_large_message())
    return data


def too_large_message() -> str:
    return _("Dit bestand is te groot. Het mag hoogstens %(mb)s MB zijn.") % {
        "mb": max_bytes() // (1024 * 1024)
    }


def sniff(data: bytes) -> str | None:
    """The content type by the first bytes, or None when it is none of ours."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def is_heic(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in _HEIC_BRANDS


def pdf_is_active(data: bytes) -> bool:
    """True when the PDF names an action that runs or embeds something."""
    plain = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data).lower()
    for name in PDF_ACTIVE:
        start = plain.find(name)
        while start != -1:
            after = plain[start + len(name) : start + len(name) + 1]
            # A whole name: /JS, not the start of /JSomething (but /EmbeddedFiles).
            if name == b"/embeddedfile" or not after.isalnum():
                return True
            start = plain.find(name, start + 1)
    return False


def _reencode(data: bytes, content_type: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise _refuse(_("Deze foto is te groot. Maak een kleinere foto."))
            image = ImageOps.exif_transpose(opened)
            image.load()
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _refuse(
            _("Deze foto is beschadigd of niet te openen. Maak een nieuwe foto.")
        ) from exc
    except Image.DecompressionBombError as exc:
        raise _refuse(_("Deze foto is te groot. Maak een kleinere foto.")) from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if content_type == JPEG:
        # A new image from the pixels only: no EXIF, GPS, comments or profiles.
        clean = image.convert("RGB")
        clean.save(out, format="JPEG", quality=85, optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        clean = Image.new(image.mode, image.size)
        if image.mode == "P":
            palette = image.getpalette()
            if palette:
                clean.putpalette(palette)
        clean.paste(image)
        clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _pillow_opens(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
    except Exception:  # any failure means: this Pillow cannot read it
        return False
    return True


def check_receipt(data: bytes) -> Receipt:
    """A receipt from uploaded bytes: type by content, images drawn again, active
    PDFs refused; DomainError (field "receipt") with a Dutch message otherwise."""
    if not data:
        raise _refuse(_("Dit bestand is leeg. Kies een foto of een PDF."))
    if len(data) > max_bytes():
        raise _refuse(too_large_message())
    if is_heic(data):
        if _pillow_opens(data):
            # A Pillow with a HEIF plugin: drawn again as a JPEG like any photo.
            return Receipt(content=_reencode(data, JPEG), content_type=JPEG)
        raise _refuse(
            _(
                "Deze foto is een HEIC-bestand. Dat kunnen we niet openen. Zet in de "
                "camera-instellingen van uw telefoon 'Meest compatibel' aan, of maak "
                "een schermafbeelding van de foto en stuur die."
            )
        )
    content_type = sniff(data)
    if content_type is None:
        raise _refuse(
            _("Dit is geen foto of PDF. Stuur een foto (JPG of PNG) of een PDF.")
        )
    if content_type == PDF:
        if pdf_is_active(data):
            raise _refuse(
                _(
                    "Deze PDF bevat onderdelen die iets kunnen starten, zoals "
                    "JavaScript of een bijlage. Stuur een foto van de bon, of een "
                    "gewone PDF."
                )
            )
        return Receipt(content=data, content_type=PDF)
    return Receipt(content=_reencode(data, content_type), content_type=content_type)


def store(receipt: Receipt, organisation_id: Any) -> str:
    """Save under a random name in the organisation's folder; returns the name."""
    name = f"{organisation_id}/{uuid.uuid4().hex}{receipt.extension}"
    return storage().save(name, ContentFile(receipt.content))


def delete(name: str) -> None:
    if name:
        storage().delete(name)
