"""Every public service that changes state writes an audit event.

The test finds every public function (no leading underscore, defined in the module
itself) of every `ouderbuddy/<app>/services*.py` and `ouderbuddy/<app>/jobs.py`. Each
one must be either

- in CASES: a case builds what the call needs with the usual factories and returns the
  call; the test runs it and checks that at least one `privacy.AuditEvent` row was
  written by the call itself (not by the setup), or
- in READ_ONLY: it changes nothing (a selector, a pure helper), with the reason, or
- in NOT_AUDITED: it writes, but on purpose without an event of its own, with the
  reason (bookkeeping that a caller's event already covers).

A new public service in none of the three makes the test fail with
"no audit case for <module>.<name>".
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import TestCase
from django.utils import timezone

import ouderbuddy
from conftest import PASSWORD, invitation_token_from_mail, totp_code
from ouderbuddy.accounts.models import User
from ouderbuddy.organisations.models import Role
from ouderbuddy.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

Call = Callable[[], Any]
Fixture = Callable[[str], Any]
Case = Callable[[Fixture], Call]


def public_functions() -> list[str]:
    """'app.module.name' of every public function the audit rule is about."""
    root = Path(ouderbuddy.__file__).parent
    names = []
    for app in pkgutil.iter_modules([str(root)]):
        if not app.ispkg:
            continue
        for path in sorted((root / app.name).glob("*.py")):
            stem = path.stem
            if not (stem.startswith("services") or stem == "jobs"):
                continue
            module = importlib.import_module(f"ouderbuddy.{app.name}.{stem}")
            for name, value in vars(module).items():
                if (
                    inspect.isfunction(value)
                    and not name.startswith("_")
                    and value.__module__ == module.__name__
                ):
                    names.append(f"{app.name}.{stem}.{name}")
    return sorted(names)


READ_ONLY: dict[str, str] = {
    "evaluation.services.finished_invitation_for_token": "looks a link up",
    "reports.services.hours_text": "writes minutes as hours, stores nothing",
    "evaluation.services.current_version": (
        "reads the version to start on (makes the shared default set if missing)"
    ),
    "evaluation.services.invitation_for_token": "looks a link up",
    "evaluation.services.link_for": "builds a link, stores nothing",
    "evaluation.services.match_of": "reads the key from a pseudonym to its match",
    "evaluation.services.needs_research_consent": "reads a flag",
    "evaluation.services.response_of": "reads the answers so far",
    "evaluation.services.token_for": "signs an id, stores nothing",
    "evaluation.services.version_for": "reads the version a person answers",
    "support.services_announcements.recipients_for": "reads who would receive it",
    "accounts.services.hash_token": "a pure function of its argument",
    "accounts.services.invitation_for_token": "looks an invitation up",
    "buddies.services.facts_for": "reads a buddy's checklist facts",
    "casework.services.current_agreement": "reads the latest agreement",
    "casework.services.buddy_for_calendar": "looks a feed token up",
    "casework.services.check_in_days": "pure date arithmetic",
    "intake.services.age_on": "pure date arithmetic",
    "intake.services.check_young_person": "validates a birth date",
    "intake.services.status_token": "signs a reference, stores nothing",
    "intake.services.status_url": "builds a link, stores nothing",
    "intake.services.request_for_token": "looks a status token up",
    "intake.services.active_consents": "reads consents",
    "intake.services.has_active_consent": "reads consents",
    "intake.services.referral_for_token": "looks a referral token up",
    "intake.services.send_new_status_links": (
        "stores nothing: e-mails the links of existing requests again"
    ),
    "matching.services.engine_weights": "converts values, stores nothing",
    "matching.services.introduction_date": "reads a date",
    "matching.services.can_activate": "a yes/no check",
    "privacy.services.short_id": "a pure function of its argument",
    "privacy.services.audit_label": "a pure function of its argument",
    "buddies.services.application_consent_renewal": "reads which text to ask again",
    "rights.services_erasure.check_parent": "says what erasing would do",
    "rights.services_erasure.check_buddy": "says what erasing would do",
    "privacy.services_access.token_hash": "a pure function of its argument",
    "privacy.services_access.legal_deadline": "pure date arithmetic",
    "privacy.services_access.right_request_for_token": "looks a download link up",
    "privacy.services_breaches.breach_problem": "checks values, stores nothing",
}

NOT_AUDITED: dict[str, str] = {
    "evaluation.services.save_page": (
        "a respondent's pseudonymous answers: an event per answer would link them "
        "back to the match (sending the questionnaire is audited)"
    ),
    "evaluation.services.decline": (
        "a respondent says no to their questionnaire; like the answers, kept "
        "apart from the audit log's names"
    ),
    "evaluation.services.school_invitation": (
        "the school's link on the parent's thank-you page: pseudonymous, like the "
        "answers"
    ),
    "evaluation.services.closure_questionnaires": (
        "runs inside casework.close_match, whose casework.close event covers it"
    ),
    "evaluation.services.start_match": (
        "runs inside matching.activate; the invitation it sends writes "
        "evaluation.invite"
    ),
    "evaluation.services.subject_for": (
        "makes the pseudonym inside start_match or closure_questionnaires"
    ),
    "evaluation.services.research_consent_withdrawn": (
        "runs inside intake.withdraw_consent, whose consent.withdraw event covers it"
    ),
    "evaluation.services.ensure_defaults": (
        "writes the shared default questionnaires: reference data, no person's"
    ),
    "evaluation.services.expire_invitations": (
        "bookkeeping: a link's 30 days passed; nobody's record changes"
    ),
    "accounts.services.set_language_preference": (
        "the user's own display language: no record of anyone changes"
    ),
    "accounts.services.start_totp_enrolment": (
        "an unconfirmed device that signs nobody in; confirming it is audited"
    ),
    "accounts.services.find_second_factor_device": (
        "checks a code at sign-in; only django-otp's own counters move"
    ),
    "casework.services.schedule_check_ins": (
        "runs inside matching.activate, whose match.status event covers it"
    ),
    "intake.services_targets.seed_referral_targets": (
        "copies the platform's reference list into a new organisation (no personal "
        "data); creating the organisation is audited"
    ),
    "privacy.services.record_consent": (
        "stores the consent text inside a service that writes its own event"
    ),
}


# --- Cases ------------------------------------------------------------------------------

CASES: dict[str, Case] = {}


def case(*names: str) -> Callable[[Case], Case]:
    def register(build: Case) -> Case:
        for name in names:
            assert name not in CASES, name
            CASES[name] = build
        return build

    return register


def committed(function: Callable[..., Any], **kwargs: Any) -> Any:
    """Set-up through a service whose e-mail runs after commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return function(**kwargs)


def _today() -> dt.date:
    return timezone.localdate()


def _platform_admin() -> User:
    return User.objects.create_superuser(
        "admin@platform.test", PASSWORD, full_name="Paula Platform"
    )


# accounts


@case("accounts.services.invite_person")
def _(f: Fixture) -> Call:
    from ouderbuddy.accounts import services

    cora = f("cora")
    return lambda: services.invite_person(
        actor=cora, email="kim@noord.test", full_name="Kim Nieuw", role=Role.BUDDY
    )


@case("accounts.services.issue_invitation")
def _(f: Fixture) -> Call:
    from ouderbuddy.accounts import services

    cora = f("cora")
    return lambda: services.issue_invitation(
        organisation=cora.organisation,
        email="kim@noord.test",
        full_name="Kim Nieuw",
        role=Role.COORDINATOR,
        invited_by=cora.user,
        audit_actor=cora,
        member_message="Kim is al lid van dit steunpunt.",
    )


@case("accounts.services.revoke_invitation")
def _(f: Fixture) -> Call:
    from ouderbuddy.accounts import services

    cora = f("cora")
    invitation = committed(
        services.invite_person,
        actor=cora,
        email="kim@noord.test",
        full_name="Kim Nieuw",
        role=Role.BUDDY,
    )
    return lambda: services.revoke_invitation(actor=cora, invitation=invitation)


@case("accounts.services.accept_invitation")
def _(f: Fixture) -> Call:
    from django.core import mail

    from ouderbuddy.accounts import services

    cora = f("cora")
    mail.outbox.clear()
    committed(
        services.invite_person,
        actor=cora,
        email="kim@noord.test",
        full_name="Kim Nieuw",
        role=Role.BUDDY,
    )
    token = invitation_token_from_mail()
    return lambda: services.accept_invitation(token=token, password=PASSWORD)


@case("accounts.services.confirm_totp_enrolment")
def _(f: Fixture) -> Call:
    from ouderbuddy.accounts import services

    user = f("cora").user
    device = services.start_totp_enrolment(user=user)
    return lambda: services.confirm_totp_enrolment(
        user=user, device=device, token=totp_code(device)
    )


@case("accounts.services.regenerate_recovery_codes")
def _(f: Fixture) -> Call:
    from ouderbuddy.accounts import services

    user = f("cora").user
    return lambda: services.regenerate_recovery_codes(user=user)


@case("accounts.services.reset_second_factor")
def _(f: Fixture) -> Call:
    from ouderbuddy.accounts import services

    admin = _platform_admin()
    return lambda: services.reset_second_factor(actor=admin, user=f("cora").user)


# organisations


@case("organisations.services.update_settings")
def _(f: Fixture) -> Call:
    from ouderbuddy.organisations import services

    cora = f("cora")
    return lambda: services.update_settings(
        actor=cora, organisation=cora.organisation, contact_phone="0301234567"
    )


@case("organisations.services.create_organisation")
def _(f: Fixture) -> Call:
    from ouderbuddy.organisations import services

    admin = _platform_admin()
    return lambda: services.create_organisation(admin=admin, name="Steunpunt Oost")


@case("organisations.services.update_organisation")
def _(f: Fixture) -> Call:
    from ouderbuddy.organisations import services

    admin = _platform_admin()
    noord = f("noord")
    return lambda: services.update_organisation(
        admin=admin, organisation=noord, name="Steunpunt Noord-West"
    )


@case("accounts.services.invite_coordinator")
def _(f: Fixture) -> Call:
    from ouderbuddy.accounts import services

    admin = _platform_admin()
    noord = f("noord")
    return lambda: services.invite_coordinator(
        admin=admin, organisation=noord, email="kees@noord.test", full_name="Kees"
    )


@case("organisations.services.deactivate_membership")
def _(f: Fixture) -> Call:
    from ouderbuddy.organisations import services

    cora, mia = f("cora"), f("mia")
    return lambda: services.deactivate_membership(actor=cora, membership=mia)


@case("organisations.services.reactivate_membership")
def _(f: Fixture) -> Call:
    from ouderbuddy.organisations import services

    cora, mia = f("cora"), f("mia")
    services.deactivate_membership(actor=cora, membership=mia)
    return lambda: services.reactivate_membership(actor=cora, membership=mia)


# privacy


@case("privacy.services.record_event")
def _(f: Fixture) -> Call:
    from ouderbuddy.privacy import services

    cora = f("cora")
    return lambda: services.record_event(
        actor=cora, organisation=cora.organisation, verb="test.event"
    )


@case("privacy.services.record_read")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake.tests.factories import submit
    from ouderbuddy.privacy import services

    cora = f("cora")
    request = submit(cora.organisation)
    return lambda: services.record_read(actor=cora, target=request)


def _status_link_request(f: Fixture) -> Any:
    """A parent's open access request from the status page, and its help request."""
    from ouderbuddy.intake.tests.factories import submit
    from ouderbuddy.privacy import services_access

    request = submit(f("noord"))
    return committed(services_access.request_access_by_parent, help_request=request)


@case("privacy.services_access.request_access_by_parent")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake.tests.factories import submit
    from ouderbuddy.privacy import services_access

    request = submit(f("noord"))
    return lambda: services_access.request_access_by_parent(help_request=request)


@case("privacy.services_access.download_by_parent")
def _(f: Fixture) -> Call:
    from ouderbuddy.privacy import services_access

    right = _status_link_request(f)
    return lambda: services_access.download_by_parent(right_request=right, fmt="json")


@case("privacy.services_access.export_for_buddy")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching.tests.factories import buddy_membership
    from ouderbuddy.privacy import services_access

    buddy = _active_buddy(f)
    return lambda: services_access.export_for_buddy(
        actor=buddy_membership(buddy), buddy_id=buddy.pk, fmt="html"
    )


@case("privacy.services_access.make_export")
def _(f: Fixture) -> Call:
    from ouderbuddy.privacy import services_access

    right = _status_link_request(f)
    return lambda: services_access.make_export(
        actor=f("cora"), kind="parent", subject_id=right.subject_id
    )


@case("privacy.services_access.record_export")
def _(f: Fixture) -> Call:
    from ouderbuddy.privacy import access, services_access

    cora = f("cora")
    person = access.find_person("staff", cora.pk, cora.organisation_id)
    return lambda: services_access.record_export(actor=cora, person=person, fmt="pdf")


# buddies


def _applicant(f: Fixture) -> Any:
    from ouderbuddy.buddies.tests.factories import apply

    return apply(f("noord"))


def _active_buddy(f: Fixture) -> Any:
    from ouderbuddy.matching.tests.factories import matchable_buddy

    return matchable_buddy(f("noord"))


def _training_buddy(f: Fixture) -> Any:
    """Through the real steps up to training, without an account yet."""
    from ouderbuddy.buddies import services
    from ouderbuddy.buddies.tests.factories import screened

    cora = f("cora")
    buddy = screened(cora, _applicant(f))
    committed(services.advance_buddy, actor=cora, buddy=buddy)
    buddy.refresh_from_db()
    return buddy


@case("buddies.services.submit_application")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services
    from ouderbuddy.buddies.tests.factories import application_data

    noord = f("noord")
    return lambda: services.submit_application(organisation=noord, **application_data())


@case("buddies.services.advance_buddy")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services

    cora, buddy = f("cora"), _applicant(f)
    return lambda: services.advance_buddy(actor=cora, buddy=buddy)


@case("buddies.services.move_buddy")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services

    cora, buddy = f("cora"), _applicant(f)
    return lambda: services.move_buddy(
        actor=cora, buddy=buddy, to_status="introduction"
    )


@case("buddies.services.resend_invitation")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services

    cora, buddy = f("cora"), _training_buddy(f)
    return lambda: services.resend_invitation(actor=cora, buddy=buddy)


@case("buddies.services.link_account")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services

    buddy = _training_buddy(f)
    user = User.objects.create_user(buddy.email, PASSWORD, full_name=buddy.full_name)
    return lambda: services.link_account(organisation=buddy.organisation, user=user)


@case("buddies.services.pause_buddy")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services

    cora, buddy = f("cora"), _active_buddy(f)
    return lambda: services.pause_buddy(
        actor=cora, buddy=buddy, until=_today() + dt.timedelta(days=30)
    )


def _paused_buddy(f: Fixture) -> Any:
    from ouderbuddy.buddies import services
    from ouderbuddy.buddies.models import Buddy

    buddy = _active_buddy(f)
    committed(
        services.pause_buddy,
        actor=f("cora"),
        buddy=buddy,
        until=_today() + dt.timedelta(days=30),
    )
    Buddy.objects.filter(pk=buddy.pk).update(paused_until=_today())
    buddy.refresh_from_db()
    return buddy


@case("buddies.services.resume_buddy")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services

    cora, buddy = f("cora"), _paused_buddy(f)
    return lambda: services.resume_buddy(actor=cora, buddy=buddy)


@case("buddies.services.resume_due_pauses")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services

    _paused_buddy(f)
    return lambda: services.resume_due_pauses(_today() + dt.timedelta(days=1))


@case("buddies.jobs.resume_pauses")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import jobs

    _paused_buddy(f)
    return lambda: jobs.resume_pauses(timezone.now() + dt.timedelta(days=1))


@case("buddies.services.stop_buddy")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services

    cora, buddy = f("cora"), _applicant(f)
    return lambda: services.stop_buddy(actor=cora, buddy=buddy, reason_code="no_time")


@case("buddies.services.record_introduction")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services

    cora, buddy = f("cora"), _applicant(f)
    services.advance_buddy(actor=cora, buddy=buddy)
    return lambda: services.record_introduction(
        actor=cora, buddy=buddy, held_on=_today()
    )


@case("buddies.services.record_interview")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services

    cora, buddy = f("cora"), _applicant(f)
    services.advance_buddy(actor=cora, buddy=buddy)
    services.record_introduction(actor=cora, buddy=buddy, held_on=_today())
    services.advance_buddy(actor=cora, buddy=buddy)
    scores = dict.fromkeys(
        (
            "experience_processed",
            "listening",
            "reflection",
            "boundaries",
            "communication",
        ),
        3,
    )
    notes = {f"{name}_note": "" for name in scores}
    return lambda: services.record_interview(
        actor=cora,
        buddy=buddy,
        held_on=_today(),
        outcome="suitable",
        **scores,
        **notes,
    )


@case("buddies.services.record_vog")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services

    cora, buddy = f("cora"), _applicant(f)
    return lambda: services.record_vog(
        actor=cora,
        buddy=buddy,
        requested_on=_today() - dt.timedelta(days=10),
        issued_on=_today() - dt.timedelta(days=2),
        screening_profile="45 Gezondheidszorg en welzijn",
    )


@case("buddies.services.record_agreement")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services
    from ouderbuddy.buddies.models import AgreementKind

    cora, buddy = f("cora"), _applicant(f)
    return lambda: services.record_agreement(
        actor=cora, buddy=buddy, kind=AgreementKind.values[0], signed_on=_today()
    )


@case("buddies.services.update_profile")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services

    cora, buddy = f("cora"), _active_buddy(f)
    return lambda: services.update_profile(
        actor=cora,
        buddy=buddy,
        experience_codes=["route.po_regular", "issue.out_of_school"],
        experience_unsaid=False,
        postcode="1012",
        travel_km=20,
        languages=["nl"],
        contact_modes=["phone"],
        max_matches=2,
        availability="Avonds",
        phone="",
    )


# intake


def _request(f: Fixture, **overrides: Any) -> Any:
    from ouderbuddy.intake.tests.factories import submit

    return submit(f("noord"), **overrides)


def _target(f: Fixture) -> Any:
    from ouderbuddy.intake.models import OrganisationReferralTarget

    return OrganisationReferralTarget.objects.get(
        organisation=f("noord"), default_id="education_consultant"
    )


def _referral(f: Fixture) -> Any:
    from ouderbuddy.intake import services

    return committed(
        services.submit_professional_referral,
        organisation=f("noord"),
        referrer_name="Els de Vries",
        referrer_organisation="Basisschool De Regenboog",
        referrer_role="Intern begeleider",
        referrer_email="ib@regenboog.nl",
        parent_name="Sanne Jansen",
        parent_email="sanne@example.nl",
        reason="Het kind zit al drie weken thuis; de ouder loopt vast.",
        parent_agreed=True,
    )


@case("intake.services.create_help_request")
def _(f: Fixture) -> Call:
    import uuid

    from ouderbuddy.intake import services
    from ouderbuddy.intake.tests.factories import request_data

    noord = f("noord")
    return lambda: services.create_help_request(
        organisation=noord, data=request_data(), submission_key=uuid.uuid4()
    )


@case("intake.services.withdraw_by_parent")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake import services

    request = _request(f)
    return lambda: services.withdraw_by_parent(request=request)


@case("intake.services.withdraw_consent")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake import services

    request = _request(f)
    return lambda: services.withdraw_consent(
        request=request, purpose="share_with_buddy"
    )


@case("intake.services.decide_to_matching")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake import services

    cora, request = f("cora"), _request(f)
    return lambda: services.decide_to_matching(actor=cora, request=request)


@case("intake.services.decide_information_only")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake import services

    cora, request = f("cora"), _request(f)
    return lambda: services.decide_information_only(
        actor=cora,
        request=request,
        answer="Op de site van Steunpunt Passend Onderwijs.",
    )


@case("intake.services.decide_referral")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake import services

    cora, request, target = f("cora"), _request(f), _target(f)
    return lambda: services.decide_referral(
        actor=cora,
        request=request,
        target=target,
        reason="De onderwijsconsulent kan bemiddelen.",
    )


@case("intake.services.withdraw_by_coordinator")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake import services

    cora, request = f("cora"), _request(f)
    return lambda: services.withdraw_by_coordinator(
        actor=cora, request=request, reason="Dubbel aangemeld."
    )


@case("intake.services.save_intake_note")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake import services

    cora, request = f("cora"), _request(f)
    return lambda: services.save_intake_note(
        actor=cora, request=request, note="Gebeld; moeder belt terug."
    )


@case("intake.services.correct_codes")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake import services

    cora, request = f("cora"), _request(f)
    return lambda: services.correct_codes(
        actor=cora, request=request, codes=["route.po_regular", "need.autism"]
    )


@case("intake.services.submit_professional_referral")
def _(f: Fixture) -> Call:
    f("noord")
    return lambda: _referral(f)


@case("intake.services_targets.save_referral_target")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake import services_targets

    cora = f("cora")
    return lambda: services_targets.save_referral_target(
        actor=cora, target=None, label_nl="Wijkteam Noord"
    )


@case("intake.jobs.purge_unconfirmed_referrals")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake import jobs
    from ouderbuddy.intake.models import ProfessionalReferral

    referral = _referral(f)
    long_ago = timezone.now() - dt.timedelta(days=60)
    ProfessionalReferral.objects.filter(pk=referral.pk).update(created_at=long_ago)

    def purge() -> None:
        jobs.purge_unconfirmed_referrals(timezone.now())
        assert not ProfessionalReferral.objects.filter(pk=referral.pk).exists()

    return purge


# matching


def _waiting(f: Fixture, **overrides: Any) -> Any:
    from ouderbuddy.matching.tests.factories import waiting_request

    return waiting_request(f("cora"), **overrides)


def _proposed(f: Fixture) -> Any:
    from ouderbuddy.matching import services

    return committed(
        services.propose, actor=f("cora"), request=_waiting(f), buddy=_active_buddy(f)
    )


def _agreed(f: Fixture) -> Any:
    from ouderbuddy.matching import services
    from ouderbuddy.matching.tests.factories import buddy_membership

    match = _proposed(f)
    committed(services.accept, actor=buddy_membership(match.buddy), match=match)
    committed(services.parent_agrees, request=match.request, match=match)
    match.refresh_from_db()
    return match


def _draft(f: Fixture) -> Any:
    from ouderbuddy.matching import services

    _waiting(f)
    _active_buddy(f)
    return services.create_batch(actor=f("cora"), objective="best_fit")


@case("matching.services.save_weights")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services

    cora = f("cora")
    return lambda: services.save_weights(actor=cora, values={"issue": 5})


@case("matching.services.record_conflict")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services

    cora, request, buddy = f("cora"), _waiting(f), _active_buddy(f)
    return lambda: services.record_conflict(
        actor=cora, request=request, buddy=buddy, note="Buurvrouw"
    )


@case("matching.services.propose")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services

    cora, request, buddy = f("cora"), _waiting(f), _active_buddy(f)
    return lambda: services.propose(actor=cora, request=request, buddy=buddy)


@case("matching.services.accept")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services
    from ouderbuddy.matching.tests.factories import buddy_membership

    match = _proposed(f)
    return lambda: services.accept(actor=buddy_membership(match.buddy), match=match)


@case("matching.services.decline")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services
    from ouderbuddy.matching.tests.factories import buddy_membership

    match = _proposed(f)
    return lambda: services.decline(
        actor=buddy_membership(match.buddy), match=match, reason="no_time"
    )


def _overdue(f: Fixture) -> Any:
    from ouderbuddy.matching.models import Match

    match = _proposed(f)
    Match.objects.filter(pk=match.pk).update(
        respond_by=timezone.now() - dt.timedelta(hours=1)
    )
    return match


@case("matching.services.expire_proposals")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services

    _overdue(f)
    return lambda: services.expire_proposals()


@case("matching.jobs.expire")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import jobs

    _overdue(f)
    return lambda: jobs.expire(timezone.now())


@case("matching.services.parent_agrees")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services
    from ouderbuddy.matching.tests.factories import buddy_membership

    match = _proposed(f)
    committed(services.accept, actor=buddy_membership(match.buddy), match=match)
    return lambda: services.parent_agrees(request=match.request, match=match)


@case("matching.services.parent_declines")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services
    from ouderbuddy.matching.tests.factories import buddy_membership

    match = _proposed(f)
    committed(services.accept, actor=buddy_membership(match.buddy), match=match)
    return lambda: services.parent_declines(request=match.request, match=match)


@case("matching.services.plan_introduction")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services

    cora, match = f("cora"), _agreed(f)
    return lambda: services.plan_introduction(
        actor=cora, match=match, at=timezone.now() + dt.timedelta(days=2), mode="video"
    )


@case("matching.services.activate")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services
    from ouderbuddy.matching.models import Match

    cora, match = f("cora"), _agreed(f)
    committed(
        services.plan_introduction,
        actor=cora,
        match=match,
        at=timezone.now() + dt.timedelta(hours=1),
        mode="video",
    )
    Match.objects.filter(pk=match.pk).update(introduction_at=timezone.now())
    match.refresh_from_db()
    return lambda: services.activate(actor=cora, match=match, started_on=_today())


@case("matching.services.cancel")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services

    cora, match = f("cora"), _proposed(f)
    return lambda: services.cancel(actor=cora, match=match, reason="Ouder belde af.")


@case("matching.services.cancel_for_request")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services

    match = _proposed(f)
    return lambda: services.cancel_for_request(match.request, "Ouder trok de vraag in.")


@case("matching.services.cancel_for_buddy")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services

    match = _proposed(f)
    return lambda: services.cancel_for_buddy(match.buddy, "Buddy gepauzeerd.")


@case("matching.services.create_batch")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services

    cora = f("cora")
    _waiting(f)
    _active_buddy(f)
    return lambda: services.create_batch(actor=cora, objective="best_fit")


@case("matching.services.set_line")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services

    cora, draft = f("cora"), _draft(f)
    line = draft.lines.get()
    return lambda: services.set_line(actor=cora, line=line, keep=False)


@case("matching.services.change_line")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services
    from ouderbuddy.matching.tests.factories import matchable_buddy

    cora, draft = f("cora"), _draft(f)
    line = draft.lines.get()
    other = matchable_buddy(cora.organisation, "Ada Ander")
    return lambda: services.change_line(actor=cora, line=line, buddy=other)


@case("matching.services.publish_batch")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching import services

    cora, draft = f("cora"), _draft(f)
    return lambda: services.publish_batch(actor=cora, draft=draft)


# casework


def _match(f: Fixture) -> Any:
    from ouderbuddy.casework.tests.factories import active_match

    return active_match(f("cora"))


def _buddy_of(match: Any) -> Any:
    from ouderbuddy.matching.tests.factories import buddy_membership

    return buddy_membership(match.buddy)


def _meeting(f: Fixture, match: Any | None = None) -> Any:
    from ouderbuddy.casework import services

    match = match or _match(f)
    return committed(
        services.plan_meeting,
        actor=_buddy_of(match),
        match=match,
        starts_at=timezone.now() + dt.timedelta(days=3),
        place="Basisschool De Regenboog",
        kind="opp_review",
    )


@case("casework.services.set_agreement")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    cora, match = f("cora"), _match(f)
    return lambda: services.set_agreement(
        actor=cora,
        match=match,
        goals="Samen het gesprek over het OPP voorbereiden.",
        frequency="fortnightly",
        contact_modes=["phone"],
    )


def _agreement(f: Fixture) -> Any:
    from ouderbuddy.casework import services

    match = _match(f)
    return committed(
        services.set_agreement,
        actor=f("cora"),
        match=match,
        goals="Samen het gesprek over het OPP voorbereiden.",
        frequency="fortnightly",
        contact_modes=["phone"],
    )


@case("casework.services.acknowledge_agreement")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    agreement = _agreement(f)
    return lambda: services.acknowledge_agreement(agreement=agreement, side="parent")


@case("casework.services.log_contact")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    match = _match(f)
    return lambda: services.log_contact(
        actor=_buddy_of(match), match=match, on=_today(), mode="phone", minutes=30
    )


@case("casework.services.plan_meeting")
def _(f: Fixture) -> Call:
    f("cora")
    return lambda: _meeting(f)


@case("casework.services.update_preparation")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    meeting = _meeting(f)
    return lambda: services.update_preparation(
        actor=_buddy_of(meeting.match), meeting=meeting, done=["questions"]
    )


@case("casework.services.cancel_meeting")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    meeting = _meeting(f)
    return lambda: services.cancel_meeting(
        actor=_buddy_of(meeting.match), meeting=meeting
    )


@case("casework.services.new_calendar_feed")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    match = _match(f)
    return lambda: services.new_calendar_feed(actor=_buddy_of(match), buddy=match.buddy)


@case("casework.services.revoke_calendar_feed")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    match = _match(f)
    services.new_calendar_feed(actor=_buddy_of(match), buddy=match.buddy)
    return lambda: services.revoke_calendar_feed(
        actor=_buddy_of(match), buddy=match.buddy
    )


@case("casework.services.record_check_in")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    cora, match = f("cora"), _match(f)
    check_in = match.check_ins.order_by("due_on").first()
    return lambda: services.record_check_in(
        actor=cora,
        check_in=check_in,
        done_on=_today(),
        with_buddy=True,
        with_parent=False,
    )


@case("casework.services.add_check_in")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    cora, match = f("cora"), _match(f)
    return lambda: services.add_check_in(
        actor=cora, match=match, due_on=_today() + dt.timedelta(days=5)
    )


@case("casework.services.drop_check_in")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    cora, match = f("cora"), _match(f)
    check_in = match.check_ins.order_by("due_on").first()
    return lambda: services.drop_check_in(actor=cora, check_in=check_in)


@case("casework.services.answer_fit")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    match = _match(f)
    return lambda: services.answer_fit(match=match, side="parent", answer="good")


@case("casework.services.follow_up_fit")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    cora, match = f("cora"), _match(f)
    fit = committed(services.answer_fit, match=match, side="parent", answer="not_good")
    return lambda: services.follow_up_fit(actor=cora, fit=fit)


def _signal(f: Fixture) -> Any:
    from ouderbuddy.casework import services

    match = _match(f)
    return committed(
        services.raise_signal,
        actor=_buddy_of(match),
        match=match,
        kind="crisis",
        description="De ouder is erg overstuur.",
    )


@case("casework.services.raise_signal")
def _(f: Fixture) -> Call:
    f("cora")
    return lambda: _signal(f)


@case("casework.services.acknowledge_signal")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    cora, signal = f("cora"), _signal(f)
    return lambda: services.acknowledge_signal(actor=cora, signal=signal)


@case("casework.services.follow_up_signal")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    cora, signal = f("cora"), _signal(f)
    return lambda: services.follow_up_signal(
        actor=cora, signal=signal, follow_up="Gebeld met de ouder.", close=True
    )


def _closed(f: Fixture) -> Any:
    from ouderbuddy.casework import services

    return committed(
        services.close_match,
        actor=f("cora"),
        match=_match(f),
        reason="goal_reached",
        initiator="together",
    )


def _evaluation_version(f: Fixture) -> Any:
    from ouderbuddy.evaluation import services

    f("cora")
    services.ensure_defaults()
    from ouderbuddy.evaluation.models import QuestionnaireVersion

    return QuestionnaireVersion.objects.get(
        questionnaire__key="parent-start", organisation__isnull=True
    )


def _evaluation_draft(f: Fixture) -> Any:
    from ouderbuddy.evaluation import services

    return services.make_own_copy(actor=f("cora"), version=_evaluation_version(f))


@case("evaluation.services.make_own_copy")
def _(f: Fixture) -> Call:
    from ouderbuddy.evaluation import services

    version = _evaluation_version(f)
    return lambda: services.make_own_copy(actor=f("cora"), version=version)


@case("evaluation.services.add_own_item")
def _(f: Fixture) -> Call:
    from ouderbuddy.evaluation import services

    draft = _evaluation_draft(f)
    return lambda: services.add_own_item(
        actor=f("cora"), draft=draft, kind="text", text_nl="Nog iets?"
    )


@case("evaluation.services.remove_own_item")
def _(f: Fixture) -> Call:
    from ouderbuddy.evaluation import services

    draft = services.add_own_item(
        actor=f("cora"), draft=_evaluation_draft(f), kind="text", text_nl="Nog iets?"
    )
    code = draft.definition["pages"][-1]["items"][0]["code"]
    return lambda: services.remove_own_item(actor=f("cora"), draft=draft, code=code)


@case("evaluation.services.publish")
def _(f: Fixture) -> Call:
    from ouderbuddy.evaluation import services

    draft = _evaluation_draft(f)
    return lambda: services.publish(actor=f("cora"), draft=draft)


def _start_invitation(f: Fixture) -> Any:
    from ouderbuddy.evaluation.models import Invitation

    match = _match(f)
    return Invitation.objects.get(subject__key__match=match, moment="t0")


@case("evaluation.services.resend")
def _(f: Fixture) -> Call:
    from ouderbuddy.evaluation import services

    invitation = _start_invitation(f)
    return lambda: committed(services.resend, actor=f("cora"), invitation=invitation)


@case("evaluation.services.send_reminders")
def _(f: Fixture) -> Call:
    from ouderbuddy.evaluation import services

    _start_invitation(f)
    later = timezone.now() + dt.timedelta(days=8)
    return lambda: _at_least_one(committed(services.send_reminders, now=later))


@case("evaluation.jobs.questionnaires")
def _(f: Fixture) -> Call:
    from ouderbuddy.evaluation import jobs

    _start_invitation(f)
    later = timezone.now() + dt.timedelta(days=8)
    return lambda: committed(jobs.questionnaires, now=later)


@case("evaluation.services.send_follow_up_questionnaires")
def _(f: Fixture) -> Call:
    from ouderbuddy.evaluation import services

    _closed(f)
    later = timezone.localdate() + dt.timedelta(days=90)
    return lambda: _at_least_one(
        committed(services.send_follow_up_questionnaires, today=later)
    )


@case("casework.services.close_match")
def _(f: Fixture) -> Call:
    f("cora")
    return lambda: _closed(f)


def _meeting_tomorrow(f: Fixture) -> dt.datetime:
    """A meeting tomorrow at noon; returns the moment the daily job runs."""
    from ouderbuddy.casework.models import SchoolMeeting

    meeting = _meeting(f)
    now = timezone.now()
    noon = timezone.localtime(now).replace(hour=12, minute=0) + dt.timedelta(days=1)
    SchoolMeeting.objects.filter(pk=meeting.pk).update(starts_at=noon)
    return now


def _meeting_held(f: Fixture) -> dt.datetime:
    from ouderbuddy.casework.models import SchoolMeeting

    meeting = _meeting(f)
    now = timezone.now()
    SchoolMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - dt.timedelta(hours=3)
    )
    return now


def _follow_up_due(f: Fixture) -> dt.date:
    from ouderbuddy.casework.models import Closure

    closure = _closed(f)
    Closure.objects.filter(pk=closure.pk).update(follow_up_on=_today())
    return _today()


@case("casework.services.send_meeting_reminders")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    now = _meeting_tomorrow(f)
    return lambda: _at_least_one(services.send_meeting_reminders(now))


@case("casework.jobs.meeting_reminders")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import jobs

    now = _meeting_tomorrow(f)
    return lambda: jobs.meeting_reminders(now)


@case("casework.services.send_meeting_prompts")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    now = _meeting_held(f)
    return lambda: _at_least_one(services.send_meeting_prompts(now))


@case("casework.jobs.meeting_prompts")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import jobs

    now = _meeting_held(f)
    return lambda: jobs.meeting_prompts(now)


@case("casework.services.send_follow_up_reminders")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import services

    today = _follow_up_due(f)
    return lambda: _at_least_one(services.send_follow_up_reminders(today))


@case("casework.jobs.follow_ups")
def _(f: Fixture) -> Call:
    from ouderbuddy.casework import jobs

    _follow_up_due(f)
    return lambda: jobs.follow_ups(timezone.now())


def _at_least_one(count: int) -> int:
    assert count >= 1, "the case set-up made nothing due"
    return count


# training


def _course(f: Fixture) -> Any:
    from ouderbuddy.training.tests.factories import make_course

    return make_course(f("noord"))


def _session(f: Fixture, **kw: Any) -> Any:
    from ouderbuddy.training.tests.factories import make_session

    return make_session(_course(f), timezone.now() + dt.timedelta(days=10), **kw)


def _enrolment(f: Fixture) -> Any:
    from ouderbuddy.training import services
    from ouderbuddy.training.tests.factories import make_buddy

    buddy = make_buddy(f("noord"))
    return committed(
        services.enrol_buddy, actor=f("cora"), session=_session(f), buddy=buddy
    )


@case("training.services.create_course")
def _(f: Fixture) -> Call:
    from ouderbuddy.training import services

    cora = f("cora")
    return lambda: services.create_course(
        actor=cora, title="Gespreksvaardigheden", kind="basic", hours=Decimal("2")
    )


@case("training.services.update_course")
def _(f: Fixture) -> Call:
    from ouderbuddy.training import services

    cora, course = f("cora"), _course(f)
    return lambda: services.update_course(
        actor=cora, course=course, title="Basistraining", kind="basic", hours=Decimal(3)
    )


@case("training.services.create_session")
def _(f: Fixture) -> Call:
    from ouderbuddy.training import services

    cora, course = f("cora"), _course(f)
    start = timezone.now() + dt.timedelta(days=7)
    return lambda: services.create_session(
        actor=cora,
        course=course,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=8,
        location="Buurthuis De Linde",
    )


@case("training.services.cancel_session")
def _(f: Fixture) -> Call:
    from ouderbuddy.training import services

    cora, session = f("cora"), _session(f)
    return lambda: services.cancel_session(actor=cora, session=session)


@case("training.services.enrol_buddy")
def _(f: Fixture) -> Call:
    f("cora")
    return lambda: _enrolment(f)


@case("training.services.cancel_enrolment")
def _(f: Fixture) -> Call:
    from ouderbuddy.training import services

    cora, enrolment = f("cora"), _enrolment(f)
    return lambda: services.cancel_enrolment(actor=cora, enrolment=enrolment)


def _held_enrolment(f: Fixture) -> Any:
    from ouderbuddy.training.models import Session

    enrolment = _enrolment(f)
    past = timezone.now() - dt.timedelta(days=1)
    Session.objects.filter(pk=enrolment.session_id).update(
        starts_at=past, ends_at=past + dt.timedelta(hours=2)
    )
    enrolment.refresh_from_db()
    return enrolment


@case("training.services.mark_attendance")
def _(f: Fixture) -> Call:
    from ouderbuddy.training import services

    cora, enrolment = f("cora"), _held_enrolment(f)
    return lambda: services.mark_attendance(
        actor=cora, enrolment=enrolment, attended=True
    )


@case("training.services.record_attendance")
def _(f: Fixture) -> Call:
    from ouderbuddy.training import services

    cora, enrolment = f("cora"), _held_enrolment(f)
    return lambda: services.record_attendance(
        actor=cora, session=enrolment.session, attendance={enrolment.pk: True}
    )


@case("training.services.record_training_elsewhere")
def _(f: Fixture) -> Call:
    from ouderbuddy.training import services
    from ouderbuddy.training.tests.factories import make_buddy

    cora, course = f("cora"), _course(f)
    buddy = make_buddy(cora.organisation)
    return lambda: services.record_training_elsewhere(
        actor=cora,
        buddy=buddy,
        course=course,
        followed_on=_today() - dt.timedelta(days=30),
        provider="Steunpunt Zuid",
    )


@case("training.jobs.send_session_reminders")
def _(f: Fixture) -> Call:
    from ouderbuddy.training import jobs
    from ouderbuddy.training.models import Session

    enrolment = _enrolment(f)
    soon = timezone.now() + dt.timedelta(days=1)
    Session.objects.filter(pk=enrolment.session_id).update(
        starts_at=soon, ends_at=soon + dt.timedelta(hours=2)
    )
    return lambda: _at_least_one(jobs.send_session_reminders(timezone.now()))


@case("training.jobs.send_refresher_reminders")
def _(f: Fixture) -> Call:
    from ouderbuddy.training import jobs
    from ouderbuddy.training.models import Qualification, QualificationKind
    from ouderbuddy.training.tests.factories import make_buddy

    buddy = make_buddy(f("noord"), status="active")
    Qualification.objects.create(
        organisation=buddy.organisation,
        buddy=buddy,
        kind=QualificationKind.BASIC,
        obtained_on=_today() - dt.timedelta(days=355),
    )
    return lambda: _at_least_one(jobs.send_refresher_reminders(timezone.now()))


@case("training.jobs.send_vog_reminders")
def _(f: Fixture) -> Call:
    from ouderbuddy.training import jobs
    from ouderbuddy.training.tests.factories import make_buddy

    f("cora")
    make_buddy(
        f("noord"), status="active", vog_valid_until=_today() + dt.timedelta(days=20)
    )
    return lambda: _at_least_one(jobs.send_vog_reminders(timezone.now()))


# support


def _intervisie(f: Fixture) -> tuple[Any, Any, Any]:
    """Cora's group with one buddy (and that buddy's membership) and a planned
    session."""
    from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
    from ouderbuddy.support.tests.factories import group, session

    cora = f("cora")
    buddy = matchable_buddy(f("noord"), "Anna Een")
    made = group(cora, [buddy])
    return buddy_membership(buddy), made, session(cora, made)


@case("support.services.create_group")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services

    cora = f("cora")
    return lambda: services.create_group(
        actor=cora, name="Groep Oost", facilitator=cora
    )


@case("support.services.update_group")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services

    cora = f("cora")
    _member, made, _planned = _intervisie(f)
    return lambda: services.update_group(
        actor=cora, group=made, name="Groep West", facilitator=cora, member_ids=[]
    )


@case("support.services.archive_group")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services

    cora = f("cora")
    _member, made, _planned = _intervisie(f)
    return lambda: services.archive_group(actor=cora, group=made)


@case("support.services.plan_session")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services

    cora = f("cora")
    _member, made, _planned = _intervisie(f)
    starts = timezone.now() + dt.timedelta(days=14)
    return lambda: services.plan_session(
        actor=cora,
        group=made,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        theme="Grenzen stellen",
        method="incident",
        location="Kantoor",
    )


@case("support.services.cancel_session")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services

    cora = f("cora")
    _member, _made, planned = _intervisie(f)
    return lambda: services.cancel_session(actor=cora, session=planned)


@case("support.services.sign_up")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services

    member, _made, planned = _intervisie(f)
    return lambda: services.sign_up(actor=member, session=planned)


@case("support.services.cancel_sign_up")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services

    member, _made, planned = _intervisie(f)
    services.sign_up(actor=member, session=planned)
    return lambda: services.cancel_sign_up(actor=member, session=planned)


@case("support.services.record_attendance")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import selectors, services
    from ouderbuddy.support.tests.factories import held

    cora = f("cora")
    _member, _made, planned = _intervisie(f)
    held(planned)
    rows = selectors.attendance_rows(planned)
    return lambda: services.record_attendance(
        actor=cora, session=planned, attendance={r["buddy"].pk: True for r in rows}
    )


@case("support.services.record_session")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services
    from ouderbuddy.support.tests.factories import held

    cora = f("cora")
    _member, _made, planned = _intervisie(f)
    held(planned)
    return lambda: services.record_session(
        actor=cora,
        session=planned,
        themes="Grenzen stellen aan het eigen werk.",
        agreements="Volgende keer de incidentmethode.",
    )


def _question(f: Fixture) -> tuple[Any, Any]:
    """A question of a buddy of Cora's organisation, with that buddy's membership."""
    from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
    from ouderbuddy.support import services_questions

    member = buddy_membership(matchable_buddy(f("noord"), "Anna Een"))
    asked = committed(
        services_questions.ask_question,
        actor=member,
        subject="Gesprek op school",
        body="Hoe bereid ik het voor?",
    )
    return member, asked


@case("support.services_questions.ask_question")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
    from ouderbuddy.support import services_questions

    f("cora")
    member = buddy_membership(matchable_buddy(f("noord"), "Anna Een"))
    return lambda: services_questions.ask_question(
        actor=member, subject="Gesprek op school", body="Hoe bereid ik het voor?"
    )


@case("support.services_questions.reply_to_question")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services_questions

    cora = f("cora")
    _member, asked = _question(f)
    return lambda: services_questions.reply_to_question(
        actor=cora, question=asked, body="Samen de vragen opschrijven."
    )


@case("support.services_questions.close_question")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services_questions

    cora = f("cora")
    _member, asked = _question(f)
    return lambda: services_questions.close_question(actor=cora, question=asked)


@case("support.services_questions.reopen_question")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services_questions

    cora = f("cora")
    _member, asked = _question(f)
    services_questions.close_question(actor=cora, question=asked)
    return lambda: services_questions.reopen_question(actor=cora, question=asked)


@case("support.services_announcements.send_announcement")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching.tests.factories import matchable_buddy
    from ouderbuddy.support import services_announcements

    cora = f("cora")
    matchable_buddy(f("noord"), "Anna Een")
    return lambda: services_announcements.send_announcement(
        actor=cora, title="Nieuwe folder", body="Ligt op kantoor.", audience="active"
    )


@case("support.services_announcements.mark_announcement_read")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
    from ouderbuddy.support import services_announcements

    cora = f("cora")
    member = buddy_membership(matchable_buddy(f("noord"), "Anna Een"))
    sent = committed(
        services_announcements.send_announcement,
        actor=cora,
        title="Nieuwe folder",
        body="Ligt op kantoor.",
        audience="active",
    )
    return lambda: services_announcements.mark_announcement_read(
        actor=member, announcement=sent
    )


@case("support.services_recognition.send_thank_you")
def _(f: Fixture) -> Call:
    from ouderbuddy.matching.tests.factories import matchable_buddy
    from ouderbuddy.support import services_recognition

    cora = f("cora")
    buddy = matchable_buddy(f("noord"), "Anna Een")
    return lambda: services_recognition.send_thank_you(
        actor=cora, buddy=buddy, year=_today().year, note="Dank u wel!"
    )


@case("support.services_questions.answer_to_article")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services_questions

    cora = f("cora")
    _member, asked = _question(f)
    answer = services_questions.reply_to_question(
        actor=cora, question=asked, body="Schrijf uw vragen vooraf op."
    )
    return lambda: services_questions.answer_to_article(
        actor=cora, question=asked, reply=answer
    )


# knowledge


def _draft_article(f: Fixture) -> Any:
    from ouderbuddy.knowledge.tests.factories import article

    return article(f("cora"), publish=False)


@case("knowledge.services.create_article")
def _(f: Fixture) -> Call:
    from ouderbuddy.knowledge import services

    cora = f("cora")
    return lambda: services.create_article(
        actor=cora, title="Wat is een OPP?", body_markdown="Uitleg.", audience="both"
    )


@case("knowledge.services.update_article")
def _(f: Fixture) -> Call:
    from ouderbuddy.knowledge import services

    made = _draft_article(f)
    return lambda: services.update_article(
        actor=f("cora"),
        article=made,
        title="Wat is een TLV precies?",
        body_markdown="Uitleg.",
        audience="parents",
    )


@case("knowledge.services.publish_article")
def _(f: Fixture) -> Call:
    from ouderbuddy.knowledge import services

    made = _draft_article(f)
    return lambda: services.publish_article(actor=f("cora"), article=made)


@case("knowledge.services.archive_article")
def _(f: Fixture) -> Call:
    from ouderbuddy.knowledge import services

    made = _draft_article(f)
    return lambda: services.archive_article(actor=f("cora"), article=made)


@case("knowledge.services.mark_article_reviewed")
def _(f: Fixture) -> Call:
    from ouderbuddy.knowledge import services

    made = _draft_article(f)
    return lambda: services.mark_article_reviewed(actor=f("cora"), article=made)


@case("knowledge.services.draft_article_from_answer")
def _(f: Fixture) -> Call:
    from ouderbuddy.knowledge import services

    cora = f("cora")
    return lambda: services.draft_article_from_answer(
        actor=cora,
        title="Mag de school mijn kind naar huis sturen?",
        body_markdown="Nee, niet zomaar.",
        codes=["issue.suspension_expulsion"],
    )


@case("knowledge.services.load_starter_articles")
def _(f: Fixture) -> Call:
    from ouderbuddy.knowledge import services

    cora = f("cora")
    return lambda: services.load_starter_articles(actor=cora)


@case("knowledge.services.set_course_materials")
def _(f: Fixture) -> Call:
    from ouderbuddy.knowledge import services
    from ouderbuddy.training.tests.factories import make_course

    made = _draft_article(f)
    course = make_course(f("noord"))
    return lambda: services.set_course_materials(
        actor=f("cora"), course=course, article_ids=[made.pk]
    )


@case("knowledge.jobs.send_review_reminders")
def _(f: Fixture) -> Call:
    from ouderbuddy.knowledge import jobs
    from ouderbuddy.knowledge.models import Article
    from ouderbuddy.knowledge.tests.factories import article

    made = article(f("cora"))
    Article.objects.filter(pk=made.pk).update(
        reviewed_on=_today() - dt.timedelta(days=400)
    )
    return lambda: _at_least_one(jobs.send_review_reminders(timezone.now()))


def _claimant(f: Fixture) -> Any:
    """A buddy of Cora's organisation (membership), with a kilometre rate set."""
    from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
    from ouderbuddy.support.tests.factories import pays

    pays(f("cora"), monthly="50", km_rate="0.23")
    return buddy_membership(matchable_buddy(f("noord"), "Anna Een"))


@case("support.services_expenses.update_allowance_settings")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services_expenses

    cora = f("cora")
    return lambda: services_expenses.update_allowance_settings(
        actor=cora,
        pays_flat_allowance=True,
        monthly_allowance=Decimal("40"),
        km_rate=Decimal("0.21"),
    )


@case("support.services_expenses.submit_km_claim")
def _(f: Fixture) -> Call:
    from ouderbuddy.support.tests.factories import km_claim

    member = _claimant(f)
    return lambda: km_claim(member)


@case("support.services_expenses.submit_receipt_claim")
def _(f: Fixture) -> Call:
    from ouderbuddy.support.tests.factories import receipt_claim

    member = _claimant(f)
    return lambda: receipt_claim(member)


@case("support.services_expenses.approve_claim")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services_expenses
    from ouderbuddy.support.tests.factories import km_claim

    claim = km_claim(_claimant(f))
    return lambda: services_expenses.approve_claim(actor=f("cora"), claim=claim)


@case("support.services_expenses.reject_claim")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services_expenses
    from ouderbuddy.support.tests.factories import km_claim

    claim = km_claim(_claimant(f))
    return lambda: services_expenses.reject_claim(
        actor=f("cora"), claim=claim, reason="Dubbel ingediend"
    )


@case("support.services_expenses.record_flat_allowance")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies.models import Buddy
    from ouderbuddy.support import services_expenses

    member = _claimant(f)
    buddy = Buddy.objects.get(user=member.user)
    return lambda: services_expenses.record_flat_allowance(
        actor=f("cora"), buddy=buddy, paid_on=_today()
    )


@case("support.services_expenses.record_month_allowances")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services_expenses

    _claimant(f)
    return lambda: services_expenses.record_month_allowances(
        actor=f("cora"), paid_on=_today()
    )


@case("support.services_expenses.close_month")
def _(f: Fixture) -> Call:
    from ouderbuddy.support import services_expenses

    cora = f("cora")
    last_month = _today().replace(day=1) - dt.timedelta(days=1)
    return lambda: services_expenses.close_month(actor=cora, month=last_month)


# Names and addresses the factories above give people (never organisations).
PEOPLE = (
    "Sanne",
    "Jansen",
    "Fatima",
    "Bea Buddy",
    "Ada Ander",
    "Ben Buddy",
    "Cora Co",
    "Mia Manager",
    "Kim Nieuw",
    "Kees",
    "Els de Vries",
    "Paula",
    "@",
)


# reports


@case("reports.services.log_time")
def _(f: Fixture) -> Call:
    from ouderbuddy.reports import services

    cora = f("cora")
    return lambda: services.log_time(
        actor=cora, worked_on=_today(), activity="matching", minutes=60
    )


@case("reports.services.delete_time")
def _(f: Fixture) -> Call:
    from ouderbuddy.reports import services

    cora = f("cora")
    entry = services.log_time(
        actor=cora, worked_on=_today(), activity="support", minutes=30
    )
    return lambda: services.delete_time(actor=cora, entry=entry)


def _report_cost(f: Fixture) -> Any:
    from ouderbuddy.reports import services

    return services.add_cost(
        actor=f("mia"),
        spent_on=_today(),
        category="other",
        amount=Decimal("12.50"),
        description="Drukwerk",
    )


@case("reports.services.add_cost")
def _(f: Fixture) -> Call:
    return lambda: _report_cost(f)


@case("reports.services.delete_cost")
def _(f: Fixture) -> Call:
    from ouderbuddy.reports import services

    cost = _report_cost(f)
    return lambda: services.delete_cost(actor=f("mia"), cost=cost)


def _board_report(f: Fixture) -> Any:
    from ouderbuddy.reports import services
    from ouderbuddy.reports.figures import Quarter

    return services.draft_board_report(
        actor=f("cora"), first=Quarter(2025, 1), last=Quarter(2025, 4), text="Concept"
    )


@case("reports.services.draft_board_report")
def _(f: Fixture) -> Call:
    return lambda: _board_report(f)


@case("reports.services.edit_board_report")
def _(f: Fixture) -> Call:
    from ouderbuddy.reports import services

    report = _board_report(f)
    return lambda: services.edit_board_report(
        actor=f("cora"), report=report, text="Aantallen en toelichting."
    )


@case("reports.services.set_signals")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake.tests.factories import submit
    from ouderbuddy.reports import services

    cora = f("cora")
    request = submit(cora.organisation)
    return lambda: services.set_signals(
        actor=cora, request=request, themes=["no_place"]
    )


@case("reports.services.set_hour_cost")
def _(f: Fixture) -> Call:
    from ouderbuddy.reports import services

    return lambda: services.set_hour_cost(actor=f("mia"), hour_cost=Decimal("55"))


def _withdrawn_days_ago(f: Fixture, days: int) -> Any:
    from ouderbuddy.intake import services as intake
    from ouderbuddy.intake.models import HelpRequest
    from ouderbuddy.intake.tests.factories import submit

    cora = f("cora")
    request = submit(cora.organisation)
    committed(
        intake.withdraw_by_coordinator, actor=cora, request=request, reason="Niet nodig"
    )
    HelpRequest.objects.filter(pk=request.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=days)
    )
    return request


@case("rights.jobs.apply_retention")
def _(f: Fixture) -> Call:
    from ouderbuddy.rights import jobs

    _withdrawn_days_ago(f, 120)
    return lambda: jobs.apply_retention(timezone.now())


@case("rights.services_retention.hold")
def _(f: Fixture) -> Call:
    from ouderbuddy.rights import services_retention

    request = _withdrawn_days_ago(f, 80)
    return lambda: services_retention.hold(
        f("cora"),
        category="ended_request",
        target_id=request.pk,
        reason="De ouder heeft een klacht ingediend",
    )


@case("rights.services_retention.set_policy")
def _(f: Fixture) -> Call:
    from ouderbuddy.rights import services_retention

    return lambda: services_retention.set_policy(
        f("cora"), category="closed_match", months=6, reason="Zo kort als het kan"
    )


def _breach_values() -> dict[str, Any]:
    return {
        "discovered_at": timezone.now() - dt.timedelta(days=1),
        "what": "Een lijst met kenmerken stond open op een gedeelde schijf.",
        "not_reported_reason": "Geen risico: alleen kenmerken.",
    }


@case("privacy.services_breaches.record_breach")
def _(f: Fixture) -> Call:
    from ouderbuddy.privacy import services_breaches

    return lambda: services_breaches.record_breach(actor=f("cora"), **_breach_values())


@case("privacy.services_breaches.update_breach")
def _(f: Fixture) -> Call:
    from ouderbuddy.privacy import services_breaches

    breach = services_breaches.record_breach(actor=f("cora"), **_breach_values())
    return lambda: services_breaches.update_breach(
        actor=f("cora"),
        breach=breach,
        **_breach_values() | {"measures": "De map is afgeschermd."},
    )


@case("rights.services_erasure.erase_parent")
def _(f: Fixture) -> Call:
    from ouderbuddy.rights import services_erasure

    request = _withdrawn_days_ago(f, 1)
    return lambda: services_erasure.erase_parent(f("cora"), request, confirm="WISSEN")


@case("rights.services_erasure.erase_buddy")
def _(f: Fixture) -> Call:
    from ouderbuddy.rights import services_erasure

    buddy = _applicant(f)
    return lambda: services_erasure.erase_buddy(f("cora"), buddy, confirm="WISSEN")


@case("rights.services_rectification.correct_parent")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake.tests.factories import submit
    from ouderbuddy.rights import services_rectification

    request = submit(f("noord"))
    return lambda: services_rectification.correct_parent(
        f("cora"), request, {"full_name": "Sanne de Jong"}
    )


@case("rights.services_rectification.correct_buddy")
def _(f: Fixture) -> Call:
    from ouderbuddy.rights import services_rectification

    buddy = _applicant(f)
    return lambda: services_rectification.correct_buddy(
        f("cora"), buddy, {"phone": "06 12345678"}
    )


@case("rights.services_restriction.restrict")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake.tests.factories import submit
    from ouderbuddy.rights import services_restriction

    request = submit(f("noord"))
    return lambda: services_restriction.restrict(
        f("cora"), request, reason="De ouder vindt de gegevens onjuist"
    )


@case("rights.services_restriction.lift")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake.tests.factories import submit
    from ouderbuddy.rights import services_restriction

    request = submit(f("noord"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        services_restriction.restrict(
            f("cora"), request, reason="De ouder vindt de gegevens onjuist"
        )
    return lambda: services_restriction.lift(f("cora"), request)


@case("intake.services.renew_consent")
def _(f: Fixture) -> Call:
    from ouderbuddy.intake import services
    from ouderbuddy.intake.tests.factories import submit
    from ouderbuddy.privacy import consent_texts
    from ouderbuddy.privacy.models import Consent

    request = submit(f("noord"))
    # As if the sharing text had changed materially since the parent agreed.
    consent = Consent.objects.get(
        subject_id=str(request.pk), purpose="share_with_buddy"
    )
    older = consent_texts.SHARE_WITH_BUDDY_V1.version
    Consent.objects.filter(pk=consent.pk).update(text_version=older)
    later = consent_texts.ConsentText(
        "share_with_buddy", "test-later", "Nieuwe tekst.", asks_again=True
    )
    consent_texts.HISTORY["share_with_buddy"].append(later)
    consent_texts.CURRENT["share_with_buddy"] = later

    def call() -> Any:
        try:
            return services.renew_consent(request=request, purpose="share_with_buddy")
        finally:
            consent_texts.HISTORY["share_with_buddy"].remove(later)
            consent_texts.CURRENT["share_with_buddy"] = consent_texts.SHARE_WITH_BUDDY

    return call


@case("buddies.services.renew_application_consent")
def _(f: Fixture) -> Call:
    from ouderbuddy.buddies import services
    from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
    from ouderbuddy.privacy import consent_texts
    from ouderbuddy.privacy.services import record_consent

    buddy = matchable_buddy(f("noord"), "Renate Renew")
    record_consent(
        organisation=f("noord"),
        purpose="buddy_application",
        subject=buddy,
        given_by="Renate Renew",
    )
    later = consent_texts.ConsentText(
        "buddy_application", "test-later", "Nieuwe tekst.", asks_again=True
    )
    consent_texts.HISTORY["buddy_application"].append(later)
    consent_texts.CURRENT["buddy_application"] = later

    def call() -> Any:
        try:
            return services.renew_application_consent(
                actor=buddy_membership(buddy), buddy=buddy
            )
        finally:
            consent_texts.HISTORY["buddy_application"].remove(later)
            consent_texts.CURRENT["buddy_application"] = consent_texts.BUDDY_APPLICATION

    return call


# --- The tests ----------------------------------------------------------------------------


def test_every_public_service_is_accounted_for() -> None:
    found = set(public_functions())
    listed = set(CASES) | set(READ_ONLY) | set(NOT_AUDITED)
    missing = [f"no audit case for {name}" for name in sorted(found - listed)]
    assert not missing, "\n".join(missing)
    stale = sorted(listed - found)
    assert not stale, f"listed but no such public function: {stale}"
    both = (set(CASES) & (set(READ_ONLY) | set(NOT_AUDITED))) | (
        set(READ_ONLY) & set(NOT_AUDITED)
    )
    assert not both, f"listed twice: {sorted(both)}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_service_writes_an_audit_event(name: str, request: Any) -> None:
    call = CASES[name](request.getfixturevalue)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    with TestCase.captureOnCommitCallbacks(execute=True):
        call()
    new = AuditEvent.objects.exclude(pk__in=before)
    assert new.exists(), f"{name} wrote no audit event"
    # The audit log names no person (see privacy.services.audit_label).
    for event in new:
        text = f"{event.target_label} {event.data}"
        assert not any(word in text for word in PEOPLE), (name, event.verb, text)
