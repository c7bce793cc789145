"""The write side of buddies: applications, the pipeline, the checklist, the profile."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ouderbuddy.accounts.models import Invitation, User
from ouderbuddy.accounts.services import invite_person, revoke_invitation
from ouderbuddy.buddies import checklist, hooks
from ouderbuddy.buddies.models import (
    AgreementKind,
    AgreementSignature,
    Buddy,
    BuddyStatus,
    Interview,
    StatusChange,
    StopReason,
)
from ouderbuddy.lib import org_cache
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.ratelimit import count_attempt
from ouderbuddy.notifications import mail
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.privacy.consent_texts import renewal_for
from ouderbuddy.privacy.models import Consent, ConsentPurpose
from ouderbuddy.privacy.services import record_consent, record_event
from ouderbuddy.regions.selectors import get_postcode_area
from ouderbuddy.taxonomy.selectors import validate_codes

# Versions of the agreement texts a buddy signs (the texts live with the organisation's
# paperwork; the version says which one was signed).
AGREEMENT_VERSIONS = {
    AgreementKind.VOLUNTEER: "vrijwilligersovereenkomst-2026-11",
    AgreementKind.CONFIDENTIALITY: "geheimhouding-2026-11",
}
APPLICATIONS_PER_ADDRESS_PER_DAY = 3
APPLICATIONS_PER_IP_PER_HOUR = 20
EXPERIENCE_GROUPS = {"route", "transition", "issue", "need", "context"}


# --- Facts for the checklist ---------------------------------------------------------


def facts_for(
    buddy: Buddy,
    today: dt.date | None = None,
    *,
    interview: Interview | Literal[False] | None = False,
    agreement_kinds: set[str] | None = None,
    basic_training: bool | None = None,
) -> checklist.Facts:
    """Gather what the checklist needs to know about `buddy`. A page that loads the
    interview (None: there is none), the agreements or the training anyway passes
    them, so they are not read twice."""
    if interview is False:
        interview = Interview.objects.filter(buddy=buddy).only("outcome").first()
    kinds = (
        agreement_kinds
        if agreement_kinds is not None
        else set(buddy.agreements.values_list("kind", flat=True))
    )
    if basic_training is None:
        basic_training = hooks.has_basic_training(buddy)
    return checklist.Facts(
        status=buddy.status,
        introduction_held=buddy.introduction_held_on is not None,
        interview_outcome=interview.outcome if interview else None,
        vog_requested=buddy.vog_requested_on is not None,
        vog_valid_until=buddy.vog_valid_until,
        volunteer_agreement=AgreementKind.VOLUNTEER in kinds,
        confidentiality_agreement=AgreementKind.CONFIDENTIALITY in kinds,
        basic_training=basic_training,
        has_account=buddy.user_id is not None,
        today=today or timezone.localdate(),
    )


# --- The public application ----------------------------------------------------------


@dataclass(frozen=True)
class ApplicationResult:
    buddy: Buddy
    repeated: bool


def _rate_limit(key: str, limit: int, seconds: int) -> None:
    """Count one attempt under `key`; refuse when the limit is reached."""
    count_attempt(
        key,
        limit=limit,
        seconds=seconds,
        message=_(
            "Er zijn net te veel aanmeldingen verstuurd. Probeer het later opnieuw, "
            "of neem contact op met het steunpunt."
        ),
    )


@transaction.atomic
def submit_application(
    *,
    organisation: Organisation,
    full_name: str,
    email: str,
    phone: str,
    gender: str,
    motivation: str,
    experience_codes: list[str],
    experience_unsaid: bool,
    hours_per_month: int,
    commitment_months: int,
    postcode: str,
    travel_km: int,
    languages: list[str],
    contact_modes: list[str],
    availability: str,
    how_heard: str,
    consent: bool,
    client_ip: str = "",
) -> ApplicationResult:
    """Register someone who wants to become a buddy; a second application of the same
    address is added to the first person's history and reported to the coordinators."""
    email = email.strip().lower()
    if not consent:
        raise DomainError(
            _("Zonder uw toestemming kunnen we uw aanmelding niet bekijken."),
            field="consent",
        )
    _rate_limit(f"buddy-apply:email:{email}", APPLICATIONS_PER_ADDRESS_PER_DAY, 86400)
    if client_ip:
        _rate_limit(f"buddy-apply:ip:{client_ip}", APPLICATIONS_PER_IP_PER_HOUR, 3600)
    codes = validate_codes(experience_codes, groups=EXPERIENCE_GROUPS)
    area = get_postcode_area(postcode)

    existing = (
        Buddy.objects.select_for_update()
        .filter(organisation=organisation, email__iexact=email)
        .first()
    )
    if existing is not None:
        existing.repeat_application_at = timezone.now()
        existing.email_language = mail.current_language()
        existing.save(
            update_fields=["repeat_application_at", "email_language", "updated_at"]
        )
        StatusChange.objects.create(
            organisation=organisation,
            buddy=existing,
            from_status=existing.status,
            to_status=existing.status,
            code="applied_again",
        )
        record_event(
            actor=None,
            organisation=organisation,
            verb="buddy.repeat_application",
            target=existing,
        )
        _mail_coordinators(
            organisation,
            gettext_lazy("Dubbele aanmelding van %(name)s"),
            "buddies/email/repeat_application.txt",
            {"buddy": existing},
        )
        _mail_applicant(existing)
        return ApplicationResult(buddy=existing, repeated=True)

    buddy = Buddy(
        organisation=organisation,
        full_name=full_name.strip(),
        email=email,
        email_language=mail.current_language(),
        phone=phone.strip(),
        gender=gender,
        motivation=motivation.strip(),
        experience_unsaid=experience_unsaid,
        hours_per_month=hours_per_month,
        commitment_months=commitment_months,
        postcode=area,
        travel_km=travel_km,
        languages=languages,
        contact_modes=contact_modes,
        availability=availability.strip(),
        how_heard=how_heard.strip(),
    )
    buddy.full_clean()
    buddy.save()
    buddy.lived_experience.set(codes)  # type: ignore[arg-type]  # primary keys are codes
    StatusChange.objects.create(
        organisation=organisation,
        buddy=buddy,
        from_status="",
        to_status=BuddyStatus.APPLIED,
        code="applied",
    )
    record_consent(
        organisation=organisation,
        purpose=ConsentPurpose.BUDDY_APPLICATION,
        subject=buddy,
        given_by=buddy.full_name,
    )
    record_event(
        actor=None, organisation=organisation, verb="buddy.apply", target=buddy
    )
    _mail_applicant(buddy)
    _mail_coordinators(
        organisation,
        gettext_lazy("Nieuwe aanmelding als buddy: %(name)s"),
        "buddies/email/new_application.txt",
        {"buddy": buddy},
    )
    return ApplicationResult(buddy=buddy, repeated=False)


def _mail_applicant(buddy: Buddy) -> None:
    """In the language of the application form (or of their account)."""
    mail.send_templated(
        to=[mail.buddy_recipient(buddy)],
        subject=gettext_lazy("Bedankt voor uw aanmelding als buddy"),
        template="buddies/email/application_received.txt",
        context={"buddy": buddy, "organisation": buddy.organisation},
    )


def _mail_coordinators(
    organisation: Organisation,
    subject: Promise,
    template: str,
    context: dict[str, Any],
) -> None:
    """Each coordinator in their own language; `subject` may use %(name)s."""
    buddy = context["buddy"]
    mail.send_templated(
        to=mail.coordinators(organisation.pk),
        subject=subject,
        subject_params={"name": buddy.full_name},
        template=template,
        context={
            **context,
            "link": mail.absolute_url("buddies:detail", buddy.pk),
        },
        organisation=organisation,
    )


# --- Status changes --------------------------------------------------------------------


def _change_status(
    *,
    actor: Membership | None,
    buddy: Buddy,
    to_status: str,
    reason: str = "",
    code: str = "",
    params: dict[str, str] | None = None,
) -> Buddy:
    """`reason` is what a person typed; `code` and `params` one of the texts of
    `buddies.history` (worded in the reader's language)."""
    previous = buddy.status
    buddy.status = to_status
    buddy.status_changed_at = timezone.now()
    buddy.full_clean()
    buddy.save()
    StatusChange.objects.create(
        organisation=buddy.organisation,
        buddy=buddy,
        from_status=previous,
        to_status=to_status,
        actor=actor.user if actor else None,
        reason=reason[:300],
        code=code,
        params=params or {},
    )
    record_event(
        actor=actor,
        organisation=buddy.organisation,
        verb="buddy.status",
        target=buddy,
        data={"from": previous, "to": to_status},
    )
    return buddy


def _own_or_coordinator(actor: Membership, buddy: Buddy) -> None:
    if actor.organisation_id != buddy.organisation_id:
        raise DomainError(_("Deze buddy hoort niet bij uw organisatie."))
    if actor.role == Role.BUDDY and buddy.user_id != actor.user_id:
        raise DomainError(_("U kunt alleen uw eigen gegevens wijzigen."))
    if actor.role not in (Role.BUDDY, Role.COORDINATOR):
        raise DomainError(_("Dit mag alleen de coördinator."))


def _locked(buddy: Buddy) -> Buddy:
    return Buddy.objects.select_for_update().get(pk=buddy.pk)


@transaction.atomic
def advance_buddy(*, actor: Membership, buddy: Buddy, reason: str = "") -> Buddy:
    """Move a buddy one step forward in the pipeline, if the checklist allows it."""
    buddy = _locked(buddy)
    if buddy.status not in checklist.FORWARD:
        raise DomainError(
            _("Er is geen volgende stap: de buddy is al actief, gepauzeerd of gestopt.")
        )
    target = checklist.FORWARD[BuddyStatus(buddy.status)]
    problem = checklist.forward_problem(facts_for(buddy), target)
    if problem:
        raise DomainError(problem)
    if target == BuddyStatus.TRAINING:
        _invite(actor=actor, buddy=buddy)
    return _change_status(actor=actor, buddy=buddy, to_status=target, reason=reason)


@transaction.atomic
def move_buddy(
    *, actor: Membership, buddy: Buddy, to_status: str, reason: str = ""
) -> Buddy:
    """Move to a named status: the forward step only; other moves have their own service."""
    buddy = _locked(buddy)
    problem = checklist.forward_problem(facts_for(buddy), to_status)
    if problem:
        raise DomainError(problem)
    if to_status == BuddyStatus.TRAINING:
        _invite(actor=actor, buddy=buddy)
    return _change_status(actor=actor, buddy=buddy, to_status=to_status, reason=reason)


def _invite(*, actor: Membership, buddy: Buddy) -> None:
    """Send the buddy an invitation to make an account, unless they have one here."""

    if buddy.user_id is not None:
        return
    existing = User.objects.filter(email__iexact=buddy.email).first()
    if (
        existing is not None
        and Membership.objects.filter(
            organisation=buddy.organisation, user=existing, is_active=True
        ).exists()
    ):
        buddy.user = existing
        buddy.save(update_fields=["user", "updated_at"])
        return
    # An invitation that is already open stays valid: the buddy can still use it.
    with contextlib.suppress(DomainError):
        invite_person(
            actor=actor,
            email=buddy.email,
            full_name=buddy.full_name,
            role=Role.BUDDY,
            language=mail.buddy_recipient(buddy).language,
        )


@transaction.atomic
def resend_invitation(*, actor: Membership, buddy: Buddy) -> None:
    """Withdraw any open invitation and send a fresh one."""

    buddy = _locked(buddy)
    if buddy.user_id is not None:
        raise DomainError(_("Deze buddy heeft al een account."))
    if buddy.status in (
        BuddyStatus.APPLIED,
        BuddyStatus.INTRODUCTION,
        BuddyStatus.SCREENING,
    ):
        raise DomainError(
            _("Een uitnodiging volgt pas na een geschikt screeningsgesprek.")
        )
    for invitation in Invitation.objects.filter(
        organisation=buddy.organisation,
        email__iexact=buddy.email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ):
        revoke_invitation(actor=actor, invitation=invitation)
    _invite(actor=actor, buddy=buddy)


@transaction.atomic
def link_account(*, organisation: Organisation, user: User) -> Buddy | None:
    """After a buddy accepts the invitation: connect their account to their record."""
    buddy = (
        Buddy.objects.select_for_update()
        .filter(organisation=organisation, email__iexact=user.email, user__isnull=True)
        .first()
    )
    if buddy is None:
        return None
    buddy.user = user
    buddy.save(update_fields=["user", "updated_at"])
    record_event(
        actor=user, organisation=organisation, verb="buddy.account", target=buddy
    )
    return buddy


@transaction.atomic
def pause_buddy(
    *, actor: Membership, buddy: Buddy, until: dt.date, reason: str = ""
) -> Buddy:
    """Pause an active buddy until a date; the buddy becomes active again by itself."""
    buddy = _locked(buddy)
    _own_or_coordinator(actor, buddy)
    if buddy.status != BuddyStatus.ACTIVE:
        raise DomainError(_("Alleen een actieve buddy kan pauzeren."))
    if until <= timezone.localdate():
        raise DomainError(_("Kies een einddatum na vandaag."), field="until")
    if until > timezone.localdate() + dt.timedelta(days=366):
        raise DomainError(_("Een pauze duurt hoogstens een jaar."), field="until")
    buddy.paused_until = until
    buddy = _change_status(
        actor=actor,
        buddy=buddy,
        to_status=BuddyStatus.PAUSED,
        reason=reason,
        code="" if reason else "paused_until",
        params={} if reason else {"date": until.isoformat()},
    )
    _stop_proposals(buddy, _("De buddy heeft een pauze genomen."))
    return buddy


def _stop_proposals(
    buddy: Buddy, description: str, *, all_pending: bool = False
) -> None:
    """Unanswered proposals to a buddy who pauses (every match not yet active, when
    the buddy stops) go back to the coordinator."""
    hooks.buddy_unavailable(buddy, description, all_pending=all_pending)


@transaction.atomic
def resume_buddy(*, actor: Membership | None, buddy: Buddy) -> Buddy:
    """End a pause (by hand, or by the daily job when the end date has passed)."""
    buddy = _locked(buddy)
    if actor is not None:
        _own_or_coordinator(actor, buddy)
    if buddy.status != BuddyStatus.PAUSED:
        raise DomainError(_("Deze buddy heeft geen pauze."))
    buddy.paused_until = None
    return _change_status(
        actor=actor,
        buddy=buddy,
        to_status=BuddyStatus.ACTIVE,
        code="pause_over" if actor is None else "pause_ended",
    )


def resume_due_pauses(today: dt.date | None = None) -> int:
    """Resume every buddy whose pause ended before `today`; returns how many."""
    today = today or timezone.localdate()
    count = 0
    for buddy in Buddy.objects.filter(
        status=BuddyStatus.PAUSED, paused_until__lte=today
    ):
        resume_buddy(actor=None, buddy=buddy)
        count += 1
    return count


@transaction.atomic
def stop_buddy(
    *, actor: Membership, buddy: Buddy, reason_code: str, note: str = ""
) -> Buddy:
    """End someone's path as buddy, with a reason code; their access to the portal ends."""
    buddy = _locked(buddy)
    if buddy.status == BuddyStatus.STOPPED:
        raise DomainError(_("Deze buddy is al gestopt."))
    if reason_code not in StopReason.values:
        raise DomainError(_("Kies een reden."), field="reason_code")
    buddy.stop_reason = reason_code
    buddy.paused_until = None
    if buddy.user_id:
        Membership.objects.filter(
            organisation=buddy.organisation, user_id=buddy.user_id, role=Role.BUDDY
        ).update(is_active=False)
        org_cache.changed(buddy.organisation_id)  # update() sends no signal
    note = note.strip()
    buddy = _change_status(
        actor=actor,
        buddy=buddy,
        to_status=BuddyStatus.STOPPED,
        code="stopped_note" if note else "stopped",
        params={"stop_reason": reason_code, "note": note[:250]}
        if note
        else {"stop_reason": reason_code},
    )
    _stop_proposals(buddy, _("De buddy is gestopt."), all_pending=True)
    return buddy


# --- Checklist items ---------------------------------------------------------------------


def _not_stopped(buddy: Buddy) -> None:
    if buddy.status == BuddyStatus.STOPPED:
        raise DomainError(_("Deze buddy is gestopt."))


def _not_in_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise DomainError(_("Deze datum ligt in de toekomst."), field=field)


@transaction.atomic
def record_introduction(*, actor: Membership, buddy: Buddy, held_on: dt.date) -> Buddy:
    """The introduction meeting took place."""
    buddy = _locked(buddy)
    _not_stopped(buddy)
    _not_in_future(held_on, "held_on")
    buddy.introduction_held_on = held_on
    buddy.save(update_fields=["introduction_held_on", "updated_at"])
    record_event(
        actor=actor,
        organisation=buddy.organisation,
        verb="buddy.introduction",
        target=buddy,
    )
    return buddy


@transaction.atomic
def record_interview(*, actor: Membership, buddy: Buddy, **fields: Any) -> Interview:
    """Store (or replace) the screening interview and its suitability assessment."""
    buddy = _locked(buddy)
    _not_stopped(buddy)
    if buddy.introduction_held_on is None:
        raise DomainError(_("Leg eerst het kennismakingsgesprek vast."))
    _not_in_future(fields["held_on"], "held_on")
    interview = Interview.objects.filter(buddy=buddy).first() or Interview(
        organisation=buddy.organisation, buddy=buddy
    )
    for name, value in fields.items():
        setattr(interview, name, value)
    interview.interviewer = actor.user
    interview.full_clean()
    interview.save()
    record_event(
        actor=actor,
        organisation=buddy.organisation,
        verb="buddy.interview",
        target=buddy,
        data={"outcome": interview.outcome},
    )
    return interview


@transaction.atomic
def record_vog(
    *,
    actor: Membership,
    buddy: Buddy,
    requested_on: dt.date | None,
    issued_on: dt.date | None,
    screening_profile: str = "",
) -> Buddy:
    """Record that a VOG was requested and/or seen. Never a copy of the document."""
    buddy = _locked(buddy)
    _not_stopped(buddy)
    if requested_on is None and issued_on is None:
        raise DomainError(_("Vul een datum in."), field="requested_on")
    if requested_on:
        _not_in_future(requested_on, "requested_on")
    if issued_on:
        _not_in_future(issued_on, "issued_on")
        if requested_on and issued_on < requested_on:
            raise DomainError(
                _("De VOG kan niet eerder zijn afgegeven dan hij is aangevraagd."),
                field="issued_on",
            )
        if not screening_profile.strip():
            raise DomainError(
                _("Vul het screeningsprofiel in."), field="screening_profile"
            )
    buddy.vog_requested_on = requested_on or buddy.vog_requested_on
    if issued_on:
        buddy.vog_issued_on = issued_on
        buddy.vog_screening_profile = screening_profile.strip()
        buddy.vog_checked_by = actor.user
        buddy.vog_valid_until = Buddy.vog_renewal_date(issued_on)
    buddy.full_clean()
    buddy.save()
    record_event(
        actor=actor, organisation=buddy.organisation, verb="buddy.vog", target=buddy
    )
    return buddy


@transaction.atomic
def record_agreement(
    *, actor: Membership, buddy: Buddy, kind: str, signed_on: dt.date
) -> AgreementSignature:
    """Record a signed volunteer agreement or confidentiality statement (current text)."""
    buddy = _locked(buddy)
    _not_stopped(buddy)
    if kind not in AgreementKind.values:
        raise DomainError(_("Kies de soort overeenkomst."), field="kind")
    _not_in_future(signed_on, "signed_on")
    signature = AgreementSignature(
        organisation=buddy.organisation,
        buddy=buddy,
        kind=kind,
        text_version=AGREEMENT_VERSIONS[AgreementKind(kind)],
        signed_on=signed_on,
        recorded_by=actor.user,
    )
    signature.full_clean()
    signature.save()
    record_event(
        actor=actor,
        organisation=buddy.organisation,
        verb="buddy.agreement",
        target=buddy,
        data={"kind": kind},
    )
    return signature


# --- The buddy's own profile ---------------------------------------------------------------


@transaction.atomic
def update_profile(
    *,
    actor: Membership,
    buddy: Buddy,
    experience_codes: list[str],
    experience_unsaid: bool,
    postcode: str,
    travel_km: int,
    languages: list[str],
    contact_modes: list[str],
    max_matches: int,
    availability: str,
    phone: str,
) -> Buddy:
    """The buddy updates their own profile (or a coordinator does it for them)."""
    buddy = _locked(buddy)
    _own_or_coordinator(actor, buddy)
    _not_stopped(buddy)
    codes = validate_codes(experience_codes, groups=EXPERIENCE_GROUPS)
    buddy.postcode = get_postcode_area(postcode)
    buddy.experience_unsaid = experience_unsaid
    buddy.travel_km = travel_km
    buddy.languages = languages
    buddy.contact_modes = contact_modes
    buddy.max_matches = max_matches
    buddy.availability = availability.strip()
    buddy.phone = phone.strip()
    buddy.full_clean()
    buddy.save()
    buddy.lived_experience.set(codes)  # type: ignore[arg-type]  # primary keys are codes
    record_event(
        actor=actor, organisation=buddy.organisation, verb="buddy.profile", target=buddy
    )
    return buddy


def application_consent_renewal(buddy: Buddy) -> Any:
    """The current application consent text when the buddy agreed to an older one
    that changed materially since (privacy.consent_texts.renewal_for), else None."""
    consent = (
        Consent.objects.filter(
            organisation_id=buddy.organisation_id,
            subject_type="buddies.buddy",
            subject_id=str(buddy.pk),
            purpose=ConsentPurpose.BUDDY_APPLICATION,
            withdrawn_at__isnull=True,
        )
        .only("text_version")
        .first()
    )
    if consent is None:
        return None
    return renewal_for(ConsentPurpose.BUDDY_APPLICATION, consent.text_version)


def renew_application_consent(*, actor: Membership, buddy: Buddy) -> Buddy:
    """The buddy agrees to the new text of the application consent on the portal:
    the old consent ends, the new one counts from now."""
    if (buddy.organisation_id, buddy.user_id) != (actor.organisation_id, actor.user_id):
        raise DomainError(_("Dit kan alleen de buddy zelf."))
    with transaction.atomic():
        buddy = Buddy.objects.select_for_update().get(pk=buddy.pk)
        if application_consent_renewal(buddy) is None:
            raise DomainError(
                _("Voor deze toestemming hoeft u niets opnieuw te geven.")
            )
        Consent.objects.filter(
            organisation_id=buddy.organisation_id,
            subject_type="buddies.buddy",
            subject_id=str(buddy.pk),
            purpose=ConsentPurpose.BUDDY_APPLICATION,
            withdrawn_at__isnull=True,
        ).update(withdrawn_at=timezone.now())
        record_consent(
            organisation=buddy.organisation,
            purpose=ConsentPurpose.BUDDY_APPLICATION,
            subject=buddy,
            given_by=buddy.full_name,
        )
        record_event(
            actor=actor,
            organisation=buddy.organisation_id,
            verb="consent.renew",
            target=buddy,
            data={"purpose": ConsentPurpose.BUDDY_APPLICATION},
        )
    return buddy
