"""Receipts are checked by their content, photos drawn again without metadata, and
stored privately under a random name (support.receipts)."""

from __future__ import annotations

import io
import os
import stat
import uuid

import pytest
from django.core.files.storage import storages
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.support import receipts
from ouderbuddy.support.tests.factories import pdf_bytes, png_bytes, upload


def _refused(data: bytes) -> str:
    with pytest.raises(DomainError) as refused:
        receipts.check_receipt(data)
    assert refused.value.field == "receipt"
    return refused.value.message


def test_a_png_is_drawn_again_and_still_opens():
    original = png_bytes()
    checked = receipts.check_receipt(original)
    assert checked.content_type == "image/png" and checked.extension == ".png"
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.format == "PNG" and image.size == (40, 30)


def test_a_phone_photo_loses_its_exif_and_gps():
    original = png_bytes(exif_gps=True)
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825)  # the GPS is really in the upload
    checked = receipts.check_receipt(original)
    assert checked.content_type == "image/jpeg"
    with Image.open(io.BytesIO(checked.content)) as image:
        assert not image.getexif()
        assert "exif" not in image.info
    assert b"Telefoonmerk" not in checked.content


def test_a_large_photo_is_made_smaller():
    checked = receipts.check_receipt(png_bytes((4000, 1000)))
    with Image.open(io.BytesIO(checked.content)) as image:
        assert max(image.size) == receipts.MAX_SIDE


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,  # a renamed .exe
        b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 200,  # a zip
        b"GIF89a" + b"\x00" * 50,
        b"<html><script>alert(1)</script></html>",
        b"%PD",  # almost a PDF
    ],
    ids=["exe", "zip", "gif", "html", "short"],
)
def test_what_is_no_photo_or_pdf_is_refused_whatever_its_name(data):
    assert "Dit is geen foto of PDF" in _refused(data)


def test_an_empty_or_broken_photo_is_refused():
    assert "leeg" in _refused(b"")
    assert "beschadigd" in _refused(b"\x89PNG\r\n\x1a\n" + b"kapot" * 20)
    assert "beschadigd" in _refused(b"\xff\xd8\xff\xe0" + b"\x00" * 40)


def test_a_heic_photo_gets_a_way_out():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    assert "HEIC" in _refused(heic)
    assert "Meest compatibel" in _refused(heic)


def test_a_plain_pdf_is_kept_as_it_is():
    data = pdf_bytes()
    checked = receipts.check_receipt(data)
    assert (checked.content_type, checked.content) == ("application/pdf", data)


@pytest.mark.parametrize(
    "extra",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
        b"/OpenAction << /S /JS (app.alert(1)) >>",
        b"/AA << /O << /S /J#61vaScript /J#53 (x) >> >>",  # names with #xx escapes
        b"/OpenAction << /S /Launch /F (cmd.exe) >>",
        b"/Names << /EmbeddedFiles << /Names [(a.exe) 9 0 R] >> >>",
        b"/Type /EmbeddedFile",
        b"/RichMedia 4 0 R",
    ],
)
def test_a_pdf_that_can_run_something_is_refused(extra):
    assert "JavaScript" in _refused(pdf_bytes(extra))


def test_a_pdf_with_an_open_action_that_only_opens_a_page_is_fine():
    data = pdf_bytes(b"/OpenAction [3 0 R /Fit] /JSON_like_name 1")
    assert receipts.check_receipt(data).content_type == "application/pdf"


def test_a_file_above_the_limit_is_refused_before_it_is_read_whole(settings):
    settings.RECEIPT_MAX_BYTES = 1024
    big = upload(png_bytes((400, 400)) + b"\x00" * 2048)
    with pytest.raises(DomainError) as refused:
        receipts.read_upload(big)
    assert "te groot" in refused.value.message
    assert "te groot" in _refused(b"%PDF-" + b" " * 2000)


def test_a_receipt_is_stored_privately_under_a_random_name(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "receipts": {
            "BACKEND": "ouderbuddy.support.receipts.PrivateFileSystemStorage",
            "OPTIONS": {
                "location": str(tmp_path),
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        },
    }
    organisation_id = uuid.uuid4()
    name = receipts.store(receipts.check_receipt(png_bytes()), organisation_id)
    folder, file_name = name.split("/")
    assert folder == str(organisation_id)
    assert file_name.endswith(".png") and len(file_name) == 32 + 4
    path = tmp_path / name
    assert path.exists()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(ValueError):
        storages["receipts"].url(name)  # no address of its own: only the view
    receipts.delete(name)
    assert not path.exists()


def test_a_heic_photo_that_pillow_can_open_becomes_a_jpeg(monkeypatch):
    # No HEIF plugin here: a PNG dressed as HEIC stands in for what such a Pillow
    # would open, to show the photo path (drawn again as a JPEG) is taken.
    real_open = Image.open
    photo = png_bytes()

    def opening_heic(stream, *args, **kwargs):
        data = stream.getvalue() if hasattr(stream, "getvalue") else b""
        if receipts.is_heic(data):
            return real_open(io.BytesIO(photo))
        return real_open(stream, *args, **kwargs)

    monkeypatch.setattr(receipts.Image, "open", opening_heic)
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    checked = receipts.check_receipt(heic)
    assert checked.content_type == "image/jpeg"
    assert checked.content.startswith(b"\xff\xd8\xff")


@settings(max_examples=300, deadline=None)
@given(
    start=st.sampled_from(
        [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-", b"", b"\x00\x00\x00\x18ftyp"]
    ),
    rest=st.binary(max_size=600),
    cut=st.integers(min_value=0, max_value=2000),
)
def test_any_bytes_are_a_receipt_or_a_dutch_refusal(start, rest, cut):
    # Also real photos cut short or with noise after their header.
    real = png_bytes() if cut % 2 else png_bytes(exif_gps=True)
    for data in (start + rest, real[: cut % len(real)] + rest):
        try:
            checked = receipts.check_receipt(data)
        except DomainError as exc:
            assert exc.field == "receipt" and exc.message
        else:
            assert receipts.sniff(checked.content) == checked.content_type
