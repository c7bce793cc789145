"""Intervisie groups and sessions made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import TestCase
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.organisations.models import Membership
from ouderbuddy.support import services
from ouderbuddy.support.models import IntervisieGroup, IntervisieSession


def group(
    coordinator: Membership,
    buddies: list[Buddy],
    *,
    name: str = "Groep Oost",
    facilitator: Membership | None = None,
) -> IntervisieGroup:
    return services.create_group(
        actor=coordinator,
        name=name,
        facilitator=facilitator or coordinator,
        member_ids=[b.pk for b in buddies],
    )


def session(
    actor: Membership, group_: IntervisieGroup, *, days: int = 7, **fields: Any
) -> IntervisieSession:
    starts = timezone.now() + dt.timedelta(days=days)
    values: dict[str, Any] = {
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "theme": "Grenzen stellen",
        "method": "incident",
        "location": "Kantoor van het steunpunt",
    }
    values.update(fields)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.plan_session(actor=actor, group=group_, **values)


def held(session_: IntervisieSession, *, days_ago: int = 1) -> IntervisieSession:
    """Move a planned session into the past (as if it took place)."""
    starts = timezone.now() - dt.timedelta(days=days_ago)
    IntervisieSession.objects.filter(pk=session_.pk).update(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    session_.refresh_from_db()
    return session_


# --- Allowance and expenses --------------------------------------------------------


def png_bytes(size: tuple[int, int] = (40, 30), *, exif_gps: bool = False) -> bytes:
    """A small PNG (or, with `exif_gps`, a JPEG carrying GPS in its EXIF)."""
    import io

    from PIL import Image

    image = Image.new("RGB", size, (200, 180, 40))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (52.0, 30.0, 0.0), 3: "E", 4: (6.0, 5.0, 0.0)}
        exif[0x010F] = "Telefoonmerk"
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def pdf_bytes(extra: bytes = b"") -> bytes:
    """A minimal one-page PDF, with `extra` in its catalogue."""
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R "
        + extra
        + b" >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def upload(data: bytes, name: str = "bon.png", content_type: str = "image/png") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def pays(
    coordinator: Membership,
    *,
    monthly: str = "0",
    km_rate: str = "0.23",
) -> None:
    """Allowance settings: the km rate, and a flat allowance when `monthly` > 0."""
    from decimal import Decimal

    from ouderbuddy.support import services_expenses

    services_expenses.update_allowance_settings(
        actor=coordinator,
        pays_flat_allowance=Decimal(monthly) > 0,
        monthly_allowance=Decimal(monthly),
        km_rate=Decimal(km_rate),
    )


def km_claim(member: Membership, **fields: Any) -> Any:
    from decimal import Decimal

    from ouderbuddy.support import services_expenses

    values: dict[str, Any] = {
        "spent_on": timezone.localdate(),
        "from_place": "Zwolle",
        "to_place": "School in Kampen",
        "distance_km": Decimal("24.5"),
        "description": "Gesprek op school",
    }
    values.update(fields)
    return services_expenses.submit_km_claim(actor=member, **values)


def receipt_claim(member: Membership, **fields: Any) -> Any:
    from decimal import Decimal

    from ouderbuddy.support import services_expenses

    values: dict[str, Any] = {
        "spent_on": timezone.localdate(),
        "amount": Decimal("12.50"),
        "description": "Parkeren bij school",
        "receipt": upload(png_bytes()),
    }
    values.update(fields)
    return services_expenses.submit_receipt_claim(actor=member, **values)
