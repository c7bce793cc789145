"""How a support point can be reached, for parents: on pages and under e-mails.

- `{% support_point_contact organisation reference %}` (HTML): phone, e-mail, website
  and opening hours from the organisation's settings page. `organisation` may be an
  Organisation or its (unique) name, as the confirmation page only keeps the name.
- `{% email_footer organisation %}` (text): the footer under every e-mail sent on
  behalf of an organisation (notifications/email/footer.txt): its e-mail signature,
  then how to reach it. Empty when the organisation has neither.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from ouderbuddy.organisations.models import Organisation

register = template.Library()


def _organisation(value: Any) -> Organisation | None:
    if isinstance(value, Organisation):
        return value
    if isinstance(value, str) and value:
        return Organisation.objects.filter(name=value, is_active=True).first()
    return None


def has_contact(organisation: Organisation | None) -> bool:
    return bool(
        organisation
        and (
            organisation.contact_phone
            or organisation.contact_email
            or organisation.website
            or organisation.contact_hours
        )
    )


@register.inclusion_tag("organisations/_contact.html")
def support_point_contact(value: Any, reference: str = "") -> dict[str, Any]:
    organisation = _organisation(value)
    return {
        "contact": organisation if has_contact(organisation) else None,
        "reference": reference,
    }


def contact_lines(organisation: Organisation | None) -> list[str]:
    """The contact details as lines of plain text, in the active language."""
    if not has_contact(organisation):
        return []
    assert organisation is not None
    lines = [organisation.name]
    if organisation.contact_phone:
        lines.append(_("Telefoon: %(phone)s") % {"phone": organisation.contact_phone})
    if organisation.contact_email:
        lines.append(_("E-mail: %(email)s") % {"email": organisation.contact_email})
    if organisation.website:
        lines.append(_("Website: %(url)s") % {"url": organisation.website})
    if organisation.contact_hours:
        lines.append(_("Bereikbaar: %(hours)s") % {"hours": organisation.contact_hours})
    return lines


def footer_text(organisation: Organisation | None) -> str:
    """Signature, then contact details; '' when there is neither."""
    if organisation is None:
        return ""
    parts = []
    if organisation.email_signature.strip():
        parts.append(organisation.email_signature.strip())
    lines = contact_lines(organisation)
    if lines:
        parts.append("\n".join(lines))
    if not parts:
        return ""
    return "-- \n" + "\n\n".join(parts)


@register.simple_tag
def email_footer(value: Any) -> str:
    """Plain text for text e-mails (the template has autoescape off)."""
    return footer_text(_organisation(value))
