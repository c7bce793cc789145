"""The write side of accounts: invitations, passwords and the second factor."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ouderbuddy.accounts import hooks
from ouderbuddy.accounts.models import Invitation, User
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.notifications import mail
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.organisations.selectors import is_platform_admin
from ouderbuddy.privacy.services import record_event

RECOVERY_CODE_COUNT = 10

# Who may invite whom. Network admins are made by a platform admin.
INVITABLE_ROLES = {
    Role.COORDINATOR: {Role.COORDINATOR, Role.BUDDY, Role.MANAGER},
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def invite_person(
    *, actor: Membership, email: str, full_name: str, role: str, language: str = ""
) -> Invitation:
    """Invite someone by e-mail to join the actor's organisation in `role`. Someone
    without an account reads the e-mail in `language` (a buddy: the language of
    their application), or in Dutch."""
    if role not in INVITABLE_ROLES.get(Role(actor.role), set()):
        raise DomainError(_("U mag niemand uitnodigen met deze rol."), field="role")
    return issue_invitation(
        organisation=actor.organisation,
        email=email,
        full_name=full_name,
        role=role,
        invited_by=actor.user,
        audit_actor=actor,
        member_message=_("Deze persoon hoort al bij uw organisatie."),
        language=language,
    )


def issue_invitation(
    *,
    organisation: Organisation,
    email: str,
    full_name: str,
    role: str,
    invited_by: User,
    audit_actor: Membership | User,
    member_message: str,
    audit_data: dict[str, Any] | None = None,
    language: str = "",
) -> Invitation:
    """Make an invitation and send its e-mail: for a coordinator's own team, and for
    the platform admin's first coordinator of a support point. The caller checks who
    may invite whom; call inside a transaction."""
    email = email.strip().lower()
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, is_active=True
    ).exists():
        raise DomainError(member_message, field="email")
    now = timezone.now()
    if Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).exists():
        raise DomainError(
            _(
                "Er staat al een uitnodiging open voor dit e-mailadres. "
                "Trek die eerst in als u een nieuwe wilt sturen."
            ),
            field="email",
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        full_name=full_name.strip(),
        role=role,
        token_hash=hash_token(token),
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        invited_by=invited_by,
    )
    try:
        invitation.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(
            messages[0], field=None if field == "__all__" else field
        ) from exc
    invitation.save()
    record_event(
        actor=audit_actor,
        organisation=organisation,
        verb="invitation.create",
        target=invitation,
        data={"role": role, **(audit_data or {})},
    )
    _send_invitation_mail(invitation, token, language)
    return invitation


def _send_invitation_mail(invitation: Invitation, token: str, language: str) -> None:
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "link": mail.absolute_url("accounts:accept_invitation", token),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    mail.send_templated(
        to=[_invitee(invitation, language)],
        subject=gettext_lazy("Uitnodiging voor Ouderbuddy van %(organisation)s"),
        subject_params={"organisation": invitation.organisation.name},
        template="accounts/email/invitation.txt",
        context=context,
        organisation=invitation.organisation,
    )


def _invitee(invitation: Invitation, language: str) -> mail.Recipient:
    """The invitee reads in their account's language if they have one, else in the
    language the inviter passed (an applicant buddy's), else in Dutch."""
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is not None:
        return mail.recipient(user)
    return mail.Recipient(invitation.email, mail.supported_language(language))


@transaction.atomic
def revoke_invitation(*, actor: Membership, invitation: Invitation) -> Invitation:
    """Withdraw an open invitation; its link stops working at once."""
    if invitation.accepted_at is not None:
        raise DomainError(_("Deze uitnodiging is al geaccepteerd."))
    if invitation.revoked_at is not None:
        raise DomainError(_("Deze uitnodiging is al ingetrokken."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    record_event(
        actor=actor,
        organisation=invitation.organisation,
        verb="invitation.revoke",
        target=invitation,
    )
    return invitation


class InvitationUnusable(DomainError):
    """The link cannot be used; `status` is 404 for an unknown link, 410 for a spent one."""

    def __init__(self, message: str, *, status: int = 410) -> None:
        super().__init__(message)
        self.status = status


def invitation_for_token(token: str) -> Invitation:
    """The invitation behind a link, or InvitationUnusable that says why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationUnusable(
            _(
                "Deze link werkt niet. Controleer of u de hele link uit de e-mail "
                "heeft gebruikt, of vraag een nieuwe uitnodiging."
            ),
            status=404,
        )
    if invitation.accepted_at is not None:
        raise InvitationUnusable(
            _(
                "Deze uitnodiging is al gebruikt. U kunt inloggen met uw e-mailadres "
                "en wachtwoord."
            )
        )
    if invitation.revoked_at is not None:
        raise InvitationUnusable(
            _("Deze uitnodiging is ingetrokken. Neem contact op met de coördinator.")
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable(
            _("Deze uitnodiging is verlopen. Vraag de coördinator om een nieuwe.")
        )
    return invitation


@dataclass(frozen=True)
class AcceptedInvitation:
    user: User
    membership: Membership
    created_user: bool


@transaction.atomic
def accept_invitation(*, token: str, password: str | None) -> AcceptedInvitation:
    """Turn an open invitation into a membership; create the account if it is new."""
    invitation = invitation_for_token(token)
    # Lock the row so a double click cannot accept it twice.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise InvitationUnusable(_("Deze uitnodiging is al gebruikt."))
    user = User.objects.filter(email__iexact=invitation.email).first()
    created_user = user is None
    if user is None:
        if not password:
            raise DomainError(_("Kies een wachtwoord."), field="password1")
        # Their e-mails come in the language they use the site in now.
        user = User(
            email=invitation.email,
            full_name=invitation.full_name,
            language=mail.current_language(),
        )
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="password1") from exc
        user.set_password(password)
        user.full_clean()
        user.save()
    membership, _created = Membership.objects.update_or_create(
        organisation=invitation.organisation,
        user=user,
        defaults={"role": invitation.role, "is_active": True},
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    if invitation.role == Role.BUDDY:
        hooks.invitation_accepted(organisation=invitation.organisation, user=user)
    record_event(
        actor=user,
        organisation=invitation.organisation,
        verb="invitation.accept",
        target=invitation,
        data={"role": invitation.role, "new_account": created_user},
    )
    return AcceptedInvitation(
        user=user, membership=membership, created_user=created_user
    )


def set_language_preference(*, user: User, language: str) -> None:
    """The language of the pages and of every e-mail to `user` (the language switch)."""
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Kies Nederlands of Engels."), field="language")
    if user.language != language:
        user.language = language
        User.objects.filter(pk=user.pk).update(language=language)


@transaction.atomic
def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for `user`; earlier unconfirmed ones go."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(
        user=user, name="Authenticator-app", confirmed=False
    )


@transaction.atomic
def confirm_totp_enrolment(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator with a code from it; returns new recovery codes."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(token):
        raise DomainError(
            _(
                "Deze code klopt niet. Kijk of de tijd op uw telefoon goed staat en "
                "probeer de nieuwe code."
            ),
            field="token",
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_recovery_codes(user)
    record_event(actor=user, organisation=None, verb="second_factor.enrol", target=user)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Herstelcodes", confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=c) for c in codes]
    )
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def _recovery_code() -> str:
    # Ten characters from an alphabet without look-alikes (no 0/O, 1/l/I).
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    codes = _replace_recovery_codes(user)
    record_event(
        actor=user, organisation=None, verb="second_factor.recovery_codes", target=user
    )
    return codes


def find_second_factor_device(*, user: User, token: str) -> Any | None:
    """The confirmed device that accepts `token` (a TOTP code or a recovery code)."""
    token = token.strip().replace(" ", "").replace("-", "").lower()
    if token.isdigit() and len(token) == 6:
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(token):
                return device
    elif len(token) == 10 and token.isalnum():
        for static in StaticDevice.objects.filter(user=user, confirmed=True):
            if static.verify_token(token):
                return static
    return None


@transaction.atomic
def reset_second_factor(*, actor: User, user: User) -> None:
    """Remove someone's authenticator and recovery codes (a platform admin's action)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record_event(
        actor=actor, organisation=None, verb="second_factor.reset", target=user
    )


@transaction.atomic
def invite_coordinator(
    *, admin: Any, organisation: Organisation, email: str, full_name: str
) -> Invitation:
    """The platform admin invites a coordinator (the first one of a new support point)
    by e-mail; the invitation works like a coordinator's own."""
    if not is_platform_admin(admin):
        raise DomainError(_("Alleen een platformbeheerder mag dit."))
    return issue_invitation(
        organisation=organisation,
        email=email,
        full_name=full_name,
        role=Role.COORDINATOR,
        invited_by=admin,
        audit_actor=admin,
        member_message=_("Deze persoon hoort al bij dit steunpunt."),
        audit_data={"by": "platform"},
    )
