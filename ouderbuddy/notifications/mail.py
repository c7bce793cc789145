"""What every app's e-mails share: addresses, the recipient's language, sending after
commit.

Every e-mail goes through `send_templated`. It renders the whole message, subject and
body, in the language of each recipient: staff and buddies have a preference on their
account (`User.language`), parents, applicants and professionals the language they used
on the form (stored with what they sent). Recipients that share a language share one
message; each message is sent only when the transaction that caused it commits. Every
link in an e-mail is made absolute by `absolute_url`. No other app imports
django.core.mail or reads SITE_URL (tests/test_one_mail_path.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from ouderbuddy.organisations.models import Membership, Role

FOOTER_TEMPLATE = "notifications/email/footer.txt"


def absolute_url(target: str, *args: Any, **kwargs: Any) -> str:
    """A link on the site's public address (SITE_URL), for e-mails and calendar feeds:
    the one place the project makes a link absolute.

    `target` is a path ("/account/...") or a URL name with its arguments:
    `absolute_url("intake:detail", request.pk)`. Links are made here, not from the
    request's host, so an e-mail always points at the real site."""
    if target.startswith("/"):
        if args or kwargs:
            raise TypeError("absolute_url takes arguments only with a URL name")
        path = target
    else:
        path = reverse(target, args=args or None, kwargs=kwargs or None)
    return settings.SITE_URL.rstrip("/") + path


def first_name(full_name: str) -> str:
    return (full_name.split() or [""])[0]


# --- Languages ------------------------------------------------------------------------------


def supported_language(code: str | None) -> str:
    """`code` when the site speaks it (nl, en), otherwise the site's language (Dutch)."""
    codes = {c for c, _ in settings.LANGUAGES}
    code = (code or "").lower()
    if code in codes:
        return code
    base = code.split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE


def current_language() -> str:
    """The language the person in front of the screen uses now (for storing it with
    what they send: a form, an accepted invitation)."""
    return supported_language(translation.get_language())


@dataclass(frozen=True)
class Recipient:
    """One address and the language its reader gets the e-mail in."""

    email: str
    language: str = settings.LANGUAGE_CODE


class _HasEmailAndLanguage(Protocol):
    email: str
    language: str


Addressee = Recipient | _HasEmailAndLanguage | str


def recipient(to: Addressee) -> Recipient:
    """A Recipient from a Recipient, a User (its language preference) or a bare address
    (Dutch: a bare address says nothing about its reader)."""
    if isinstance(to, Recipient):
        return Recipient(to.email, supported_language(to.language))
    if isinstance(to, str):
        return Recipient(to, settings.LANGUAGE_CODE)
    return Recipient(to.email, supported_language(getattr(to, "language", "")))


def buddy_recipient(buddy: Any) -> Recipient:
    """A buddy reads in the language of their account once they have one; before that
    (an applicant) in the language they used on the application form."""
    user = buddy.user if getattr(buddy, "user_id", None) else None
    if user is not None:
        return Recipient(buddy.email, supported_language(user.language))
    return Recipient(
        buddy.email, supported_language(getattr(buddy, "email_language", ""))
    )


def parent_recipient(help_request: Any) -> Recipient:
    """A parent has no account: the language they filled in the form in. A request
    whose processing is restricted (AVG art. 18) gets no e-mail: no address."""
    if getattr(help_request, "restricted_at", None) is not None:
        return Recipient("", settings.LANGUAGE_CODE)
    return Recipient(
        help_request.email,
        supported_language(getattr(help_request, "email_language", "")),
    )


def coordinators(organisation_id: Any) -> list[Recipient]:
    """The organisation's active coordinators, each with their own language."""
    return [
        Recipient(email, supported_language(language))
        for email, language in Membership.objects.filter(
            organisation_id=organisation_id, role=Role.COORDINATOR, is_active=True
        )
        .order_by("user__email")
        .values_list("user__email", "user__language")
    ]


# --- Subjects -------------------------------------------------------------------------------

Subject = Promise | Callable[[dict[str, Any]], str]


def subject_template(name: str) -> Callable[[dict[str, Any]], str]:
    """A subject rendered from a template (one line), e.g. Django's password reset."""

    def render_subject(context: dict[str, Any]) -> str:
        return "".join(render_to_string(name, context).splitlines()).strip()

    return render_subject


def _subject_text(
    subject: Subject, params: dict[str, Any] | None, context: dict[str, Any]
) -> str:
    if isinstance(subject, Promise):
        text = str(subject)
        # Parameters may be lazy too (a status label): they are worded here, in the
        # recipient's language.
        if not params:
            return text
        return text % {
            k: str(v) if isinstance(v, Promise) else v for k, v in params.items()
        }
    return subject(context)


# --- Sending --------------------------------------------------------------------------------


def send_templated(
    *,
    to: Iterable[Addressee],
    subject: Subject,
    template: str,
    context: dict[str, Any],
    subject_params: dict[str, Any] | None = None,
    organisation: Any = None,
) -> int:
    """Render `template` and `subject` once per language of `to` and send each after
    commit. Returns how many messages were queued.

    `subject` is a lazy msgid (gettext_lazy), filled with `subject_params` in the
    recipient's language, or a callable that renders it from the context (see
    `subject_template`). A plain str is refused: it was translated in the language of
    whoever caused the mail, which is exactly the bug this function exists to prevent.
    Dates in the template are worded in the recipient's language, as the template is
    rendered under translation.override. `organisation` (or context["organisation"]) is
    given to the template as `mail_organisation`; the footer shows its e-mail signature
    when it has one."""
    if isinstance(subject, str) or not (
        isinstance(subject, Promise) or callable(subject)
    ):
        raise TypeError(
            "send_templated needs a lazy subject (gettext_lazy) or a callable"
        )
    if organisation is None:
        organisation = context.get("organisation")
    groups: dict[str, list[str]] = {}
    for addressee in to:
        r = recipient(addressee)
        if r.email and r.email not in groups.setdefault(r.language, []):
            groups[r.language].append(r.email)
    queued = 0
    for language, addresses in groups.items():
        if not addresses:
            continue
        full_context = {
            **context,
            "mail_organisation": organisation,
            "mail_language": language,
        }
        with translation.override(language):
            subject_text = _subject_text(subject, subject_params, full_context)
            body: str = render_to_string(template, full_context)
            footer = render_to_string(FOOTER_TEMPLATE, full_context).strip("\n")
        if footer:
            body = body.rstrip("\n") + "\n\n" + footer + "\n"
        _send_after_commit(subject_text, body, addresses)
        queued += 1
    return queued


def _send_after_commit(subject: str, body: str, recipients: list[str]) -> None:
    """Hand the message to EMAIL_BACKEND now. That backend (TaskEmailBackend) stores it
    in the transaction that caused it and queues its delivery once, on commit: a
    rolled-back transaction leaves neither the message nor a task."""
    send_mail(subject, body, None, recipients)
