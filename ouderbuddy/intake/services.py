"""The write side of intake: a parent's request, their status link, and triage."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ouderbuddy.intake.hooks import consent_withdrawn
from ouderbuddy.intake.models import (
    MINIMUM_AGE_FOR_OWN_REQUEST,
    Asker,
    HelpRequest,
    OrganisationReferralTarget,
    ProfessionalReferral,
    RequestEvent,
    RequestStatus,
    Source,
)
from ouderbuddy.intake.states import move_request, refused, start_request
from ouderbuddy.lib import fixed_reads
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.prepared import Prepared
from ouderbuddy.lib.ratelimit import count_attempt
from ouderbuddy.notifications import mail
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.privacy.consent_texts import renewal_for
from ouderbuddy.privacy.models import Consent, ConsentPurpose
from ouderbuddy.privacy.services import record_consent, record_event
from ouderbuddy.regions.models import Municipality, PostcodeArea
from ouderbuddy.regions.selectors import get_postcode_area
from ouderbuddy.taxonomy.selectors import validate_codes

STATUS_LINK_SALT = "intake.status-link"
REFERRAL_LINK_SALT = "intake.referral-link"
STATUS_LINK_DAYS = 30
# The coordinator contacts a parent within this many working days (also on the pages).
CONTACT_WITHIN_WORKING_DAYS = 5
REFERRAL_LINK_DAYS = 14
REQUESTS_PER_ADDRESS_PER_DAY = 3
REQUESTS_PER_IP_PER_HOUR = 20
QUESTION_MAX = 2000
CODE_GROUPS = {"route", "transition", "issue", "need", "context"}
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# Which decisions a coordinator may take on the request page, from which status: a
# part of the full table in `states.TRANSITIONS` (which `move_request` checks).
ALLOWED = {
    RequestStatus.NEW: {
        RequestStatus.WAITING,
        RequestStatus.INFORMED,
        RequestStatus.REFERRED,
        RequestStatus.WITHDRAWN,
    },
    RequestStatus.WAITING: {
        RequestStatus.INFORMED,
        RequestStatus.REFERRED,
        RequestStatus.WITHDRAWN,
    },
    # While a buddy is proposed the coordinator can still stop the request.
    RequestStatus.MATCHING: {RequestStatus.WITHDRAWN},
}


# --- Creating a request ------------------------------------------------------------------


@dataclass
class RequestData:
    """Everything the parent filled in, as the public form cleaned it."""

    asker: str
    full_name: str
    email: str
    child_name: str
    postcode: str
    question: str
    consent_processing: bool
    phone: str = ""
    preferred_contact: str = "email"
    languages: list[str] = field(default_factory=lambda: ["nl"])
    young_person_birth_date: dt.date | None = None
    child_birth_year: int | None = None
    child_grade: str = ""
    school_name: str = ""
    codes: list[str] = field(default_factory=list)
    deadline_on: dt.date | None = None
    deadline_kind: str = ""
    out_of_school: bool = False
    contact_modes: list[str] = field(default_factory=list)
    buddy_gender: str = "any"
    max_distance_km: int = 25
    consent_share: bool = False
    consent_research: bool = False


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return (
        day.year
        - birth_date.year
        - ((day.month, day.day) < (birth_date.month, birth_date.day))
    )


def check_young_person(
    birth_date: dt.date | None, today: dt.date | None = None
) -> None:
    """A young person may ask for themselves from 16; younger needs a parent (kindly)."""
    today = today or timezone.localdate()
    if birth_date is None:
        raise DomainError(
            _("Vul je geboortedatum in."), field="young_person_birth_date"
        )
    if birth_date > today:
        raise DomainError(
            _("Deze geboortedatum ligt in de toekomst."),
            field="young_person_birth_date",
        )
    if age_on(birth_date, today) < MINIMUM_AGE_FOR_OWN_REQUEST:
        raise DomainError(
            _(
                "Fijn dat je hulp zoekt. Ben je jonger dan 16? Dan moet je ouder of "
                "verzorger de hulpvraag doen. Vraag je ouder om dit formulier samen met "
                "jou in te vullen. Wil je eerst zelf met iemand praten? Bel of chat gratis "
                "met de Kindertelefoon: 0800-0432."
            ),
            field="young_person_birth_date",
        )


def _rate_limit(key: str, limit: int, seconds: int) -> None:
    """Count one attempt under `key`; refuse when the limit is reached."""
    count_attempt(
        key,
        limit=limit,
        seconds=seconds,
        message=_(
            "Er zijn net te veel hulpvragen verstuurd. Probeer het later opnieuw, "
            "of bel het steunpunt."
        ),
    )


def _new_reference() -> str:
    return "HV-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


REFERENCE_ATTEMPTS = 5


def _already_submitted(submission_key: uuid.UUID) -> HelpRequest | None:
    """The request an earlier submit of the same form made, if any."""
    return HelpRequest.objects.filter(submission_key=submission_key).first()


@transaction.atomic
def create_help_request(
    *,
    organisation: Organisation,
    data: RequestData,
    submission_key: uuid.UUID,
    client_ip: str = "",
    referral: ProfessionalReferral | None = None,
) -> HelpRequest:
    """Store a parent's request with its consents; a second submit of the same form
    returns the first request instead of making another, also when both arrive at the
    same moment."""
    existing = _already_submitted(submission_key)
    if existing is not None:
        return existing
    if not data.consent_processing:
        raise DomainError(
            _("Zonder deze toestemming kunnen we uw vraag niet behandelen."),
            field="consent_processing",
        )
    if data.asker not in Asker.values:
        raise DomainError(_("Kies wie de hulpvraag doet."), field="asker")
    if data.asker == Asker.YOUNG_PERSON:
        check_young_person(data.young_person_birth_date)
    question = data.question.strip()
    if not question:
        raise DomainError(_("Vertel kort wat er speelt."), field="question")
    if len(question) > QUESTION_MAX:
        raise DomainError(
            _("Uw tekst is te lang. Gebruik hoogstens %(max)d tekens.")
            % {"max": QUESTION_MAX},
            field="question",
        )
    email = data.email.strip().lower()
    _rate_limit(f"intake:email:{email}", REQUESTS_PER_ADDRESS_PER_DAY, 86400)
    if client_ip:
        _rate_limit(f"intake:ip:{client_ip}", REQUESTS_PER_IP_PER_HOUR, 3600)
    codes = validate_codes(data.codes, groups=CODE_GROUPS)
    area = get_postcode_area(data.postcode)
    birth_year = data.child_birth_year
    if data.asker == Asker.YOUNG_PERSON and data.young_person_birth_date:
        birth_year = data.young_person_birth_date.year

    request = HelpRequest(
        organisation=organisation,
        reference=_new_reference(),
        submission_key=submission_key,
        source=Source.PROFESSIONAL if referral else Source.FORM,
        asker=data.asker,
        full_name=data.full_name.strip(),
        email=email,
        phone=data.phone.strip(),
        preferred_contact=data.preferred_contact,
        languages=list(data.languages),
        email_language=mail.current_language(),
        child_name=data.child_name.strip(),
        child_birth_year=birth_year,
        child_grade=data.child_grade.strip(),
        school_name=data.school_name.strip(),
        question=question,
        deadline_on=data.deadline_on,
        deadline_kind=data.deadline_kind if data.deadline_on else "",
        out_of_school=data.out_of_school,
        postcode=area,
        contact_modes=data.contact_modes,
        buddy_gender=data.buddy_gender,
        max_distance_km=data.max_distance_km,
        share_with_buddy=data.consent_share,
    )
    # The submission key's uniqueness is the database's to check, at the insert: a
    # check here can be overtaken by a second submit of the same form (handled below).
    request.full_clean(exclude=["reference", "submission_key"])
    for attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                request.save()
            break
        except IntegrityError:
            # Two submits of one form at the same moment: the other one won.
            existing = _already_submitted(submission_key)
            if existing is not None:
                return existing
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
            # Otherwise the new reference was taken already: draw another one.
            request.reference = _new_reference()
    request.codes.set(codes)  # type: ignore[arg-type]  # the codes are primary keys
    start_request(request, description=_("Hulpvraag ontvangen."))
    for purpose, given in (
        (ConsentPurpose.REQUEST_PROCESSING, True),
        (ConsentPurpose.SHARE_WITH_BUDDY, data.consent_share),
        (ConsentPurpose.RESEARCH, data.consent_research),
    ):
        if given:
            record_consent(
                organisation=organisation,
                purpose=purpose,
                subject=request,
                given_by=request.full_name,
            )
    if referral is not None:
        referral.confirmed_at = timezone.now()
        referral.request = request
        referral.save(update_fields=["confirmed_at", "request", "updated_at"])
    record_event(
        actor=None, organisation=organisation, verb="request.create", target=request
    )
    _mail_parent(
        request,
        "intake/email/received.txt",
        gettext_lazy("We hebben uw hulpvraag ontvangen"),
    )
    _mail_coordinators(request, gettext_lazy("Nieuwe hulpvraag %(ref)s"))
    return request


def _event(
    request: HelpRequest,
    *,
    description: str,
    actor: Membership | None = None,
    by_parent: bool = False,
) -> RequestEvent:
    """A history row that changes no status (a note, codes, a consent); status
    changes are written by `states.move_request`."""
    return RequestEvent.objects.create(
        organisation=request.organisation,
        request=request,
        actor=actor.user if actor else None,
        by_parent=by_parent,
        description=description[:300],
    )


# --- Links for the parent --------------------------------------------------------------------


def status_token(request: HelpRequest) -> str:
    """A signed token for the parent's status page (expires after STATUS_LINK_DAYS)."""
    data: dict[str, Any] = {"r": str(request.pk)}
    if request.status_link_version:
        data["v"] = request.status_link_version
    return signing.dumps(data, salt=STATUS_LINK_SALT, compress=True)


def status_url(request: HelpRequest) -> str:
    return mail.absolute_url("intake:status", status_token(request))


class LinkProblem(DomainError):
    """A status or referral link that cannot be used: expired, already used, or wrong."""

    def __init__(self, message: str, *, expired: bool, used: bool = False) -> None:
        super().__init__(message)
        self.expired = expired
        self.used = used

    @property
    def status(self) -> int:
        """410 for a genuine link that is spent, 400 for one that was tampered with."""
        return 410 if self.expired or self.used else 400


@functools.cache
def _request_sql() -> str:
    """The request with its organisation, postcode and municipality: the ORM's
    `select_related("organisation", "postcode__municipality")`, written once."""
    c, t, cols = fixed_reads.column, fixed_reads.table, fixed_reads.columns
    return (
        f"SELECT {cols(HelpRequest, 'r').sql}, {cols(Organisation, 'o').sql},"  # noqa: S608 - names from model metadata
        f" {cols(PostcodeArea, 'p').sql}, {cols(Municipality, 'g').sql}"
        f" FROM {t(HelpRequest, 'r')}"
        f" JOIN {t(Organisation, 'o')}"
        f" ON {c(Organisation, 'o', 'id')} = {c(HelpRequest, 'r', 'organisation')}"
        f" JOIN {t(PostcodeArea, 'p')}"
        f" ON {c(PostcodeArea, 'p', 'pc4')} = {c(HelpRequest, 'r', 'postcode')}"
        f" JOIN {t(Municipality, 'g')}"
        f" ON {c(Municipality, 'g', 'code')} = {c(PostcodeArea, 'p', 'municipality')}"
        f" WHERE {c(HelpRequest, 'r', 'id')} = %s"
    )


def _request_with_place(request_id: Any) -> HelpRequest | None:
    """The request of a status link (the page shows the place too), or None."""
    try:
        key = fixed_reads.param(HelpRequest, "id", request_id)
    except ValidationError:
        return None
    rows = fixed_reads.fetch(_request_sql(), [key])
    if not rows:
        return None
    row = rows[0]
    offset = 0
    built = []
    for model, alias in (
        (HelpRequest, "r"),
        (Organisation, "o"),
        (PostcodeArea, "p"),
        (Municipality, "g"),
    ):
        columns = fixed_reads.columns(model, alias)
        built.append(columns.build(row, offset, "default"))
        offset += columns.width
    request, organisation, postcode, municipality = built
    postcode.municipality = municipality
    request.organisation = organisation
    request.postcode = postcode
    return request  # type: ignore[no-any-return]


def request_for_token(token: str) -> HelpRequest:
    """The request behind a status link, or LinkProblem (tampered or expired)."""
    try:
        data = signing.loads(
            token, salt=STATUS_LINK_SALT, max_age=dt.timedelta(days=STATUS_LINK_DAYS)
        )
    except signing.SignatureExpired as exc:
        raise LinkProblem(
            _("Deze link is verlopen. Vraag hieronder een nieuwe link aan."),
            expired=True,
        ) from exc
    except signing.BadSignature as exc:
        raise LinkProblem(
            _(
                "Deze link klopt niet. Gebruik de hele link uit uw e-mail, of vraag een nieuwe aan."
            ),
            expired=False,
        ) from exc
    request = _request_with_place(data.get("r"))
    if request is None:
        raise LinkProblem(_("Deze hulpvraag bestaat niet meer."), expired=False)
    if data.get("v", 0) != request.status_link_version:
        raise LinkProblem(
            _(
                "Deze link werkt niet meer, omdat u een nieuwe link heeft gevraagd. "
                "Gebruik de nieuwste link uit uw e-mail, of vraag hieronder een nieuwe aan."
            ),
            expired=True,
        )
    if request.anonymised_at is not None:
        # Wiped on request or after its retention period (rights/retention_job.py).
        raise LinkProblem(
            _("De gegevens van deze hulpvraag zijn gewist."), expired=False, used=True
        )
    return request


def send_new_status_links(*, email: str, stop_old: bool = False) -> int:
    """E-mail fresh status links for the requests of this address (of the last year).
    With `stop_old` the links sent before stop working (the parent asked for that,
    for example because someone else read their e-mail).

    The answer on screen is the same whether or not the address is known."""
    email = email.strip().lower()
    _rate_limit(f"intake:newlink:{email}", 5, 3600)
    since = timezone.now() - dt.timedelta(days=365)
    requests = list(
        HelpRequest.objects.filter(
            email__iexact=email, received_at__gte=since, anonymised_at__isnull=True
        )
    )
    if stop_old and requests:
        HelpRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
            status_link_version=F("status_link_version") + 1
        )
        for request in requests:
            request.refresh_from_db(fields=["status_link_version"])
            record_event(
                actor=None,
                organisation=request.organisation_id,
                verb="intake.status_links_stopped",
                target=request,
            )
    for request in requests:
        _mail_parent(
            request, "intake/email/new_link.txt", gettext_lazy("Uw nieuwe link")
        )
    return len(requests)


# --- What the parent can do on the status page -----------------------------------------


def _locked(request: HelpRequest) -> HelpRequest:
    return HelpRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def withdraw_by_parent(*, request: HelpRequest) -> HelpRequest:
    """The parent stops their request."""
    request = _locked(request)
    if not request.is_open:
        raise DomainError(_("Deze hulpvraag loopt niet meer."))
    move_request(
        request,
        to_status=RequestStatus.WITHDRAWN,
        description=_("Ingetrokken door de ouder."),
        by_parent=True,
        verb="request.withdraw",
    )
    _mail_coordinators(request, gettext_lazy("Hulpvraag %(ref)s is ingetrokken"))
    return request


@transaction.atomic
def renew_consent(*, request: HelpRequest, purpose: str) -> HelpRequest:
    """The parent agrees to the new text of a consent whose text changed materially
    (privacy.consent_texts.renewal_for): the old consent ends, a new one with the new
    text and version counts from now."""
    request = _locked(request)
    consent = Consent.objects.filter(
        organisation=request.organisation,
        subject_type="intake.helprequest",
        subject_id=str(request.pk),
        purpose=purpose,
        withdrawn_at__isnull=True,
    ).first()
    if consent is None or renewal_for(purpose, consent.text_version) is None:
        raise DomainError(_("Voor deze toestemming hoeft u niets opnieuw te geven."))
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    record_consent(
        organisation=request.organisation,
        purpose=purpose,
        subject=request,
        given_by=request.full_name,
    )
    label = ConsentPurpose(purpose).label
    _event(
        request,
        description=_("Toestemming opnieuw gegeven: %(what)s") % {"what": label},
        by_parent=True,
    )
    record_event(
        actor=None,
        organisation=request.organisation,
        verb="consent.renew",
        target=request,
        data={"purpose": purpose},
    )
    return request


def withdraw_consent(*, request: HelpRequest, purpose: str) -> HelpRequest:
    """Withdraw one consent, effective at once. Without consent for processing the
    request stops; without consent for sharing, nothing goes to a buddy any more."""
    request = _locked(request)
    consent = Consent.objects.filter(
        organisation=request.organisation,
        subject_type="intake.helprequest",
        subject_id=str(request.pk),
        purpose=purpose,
        withdrawn_at__isnull=True,
    ).first()
    if consent is None:
        raise DomainError(
            _(
                "Deze toestemming staat nu niet aan. U heeft hem niet gegeven of al ingetrokken."
            )
        )
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    label = ConsentPurpose(purpose).label
    _event(
        request,
        description=_("Toestemming ingetrokken: %(what)s") % {"what": label},
        by_parent=True,
    )
    record_event(
        actor=None,
        organisation=request.organisation,
        verb="consent.withdraw",
        target=request,
        data={"purpose": purpose},
    )
    consent_withdrawn(request, purpose)
    if purpose == ConsentPurpose.SHARE_WITH_BUDDY:
        request.share_with_buddy = False
        request.save(update_fields=["share_with_buddy", "updated_at"])
        if request.is_open:
            _mail_coordinators(
                request,
                gettext_lazy("Hulpvraag %(ref)s: niet meer delen met een buddy"),
            )
    elif purpose == ConsentPurpose.REQUEST_PROCESSING and request.is_open:
        request.share_with_buddy = False
        move_request(
            request,
            to_status=RequestStatus.WITHDRAWN,
            description=_("Gestopt: geen toestemming meer."),
            by_parent=True,
            fields=("share_with_buddy",),
        )
        _mail_coordinators(request, gettext_lazy("Hulpvraag %(ref)s is ingetrokken"))
    return request


def _request_consents(request: HelpRequest) -> QuerySet[Consent]:
    """The request's consents still in force."""
    return Consent.objects.filter(
        organisation_id=request.organisation_id,
        subject_type="intake.helprequest",
        subject_id=str(request.pk),
        withdrawn_at__isnull=True,
    )


def active_consents(request: HelpRequest) -> dict[str, Consent]:
    return {c.purpose: c for c in _request_consents(request)}


# `has_active_consent`'s question, compiled once per process (lib.prepared).
_CONSENT_IN_FORCE = Prepared(
    lambda organisation_id, request_id, purpose: (
        _request_consents(HelpRequest(pk=request_id, organisation_id=organisation_id))
        .filter(purpose=purpose)
        .values("pk")[:1]
    )
)


def has_active_consent(request: HelpRequest, purpose: str) -> bool:
    """`purpose in active_consents(request)`, asked for one row (none read whole)."""
    return bool(
        _CONSENT_IN_FORCE.rows(request.organisation_id, request.pk, str(purpose))
    )


# --- Triage by the coordinator ---------------------------------------------------------


def _coordinator(actor: Membership, request: HelpRequest) -> None:
    if (
        actor.role != Role.COORDINATOR
        or actor.organisation_id != request.organisation_id
    ):
        raise DomainError(_("Dit mag alleen de coördinator van dit steunpunt."))


# What a decision may change on the request beside its status.
DECISION_FIELDS = (
    "decided_by",
    "information_given",
    "referral_target",
    "referral_reason",
)


def _decide(
    *,
    actor: Membership,
    request: HelpRequest,
    to_status: str,
    description: str,
    template: str,
    subject: Promise,
) -> HelpRequest:
    _coordinator(actor, request)
    allowed = ALLOWED.get(RequestStatus(request.status), set())
    if to_status not in allowed:
        raise refused(request)
    request.decided_by = actor.user
    request.full_clean()
    move_request(
        request,
        to_status=to_status,
        description=description,
        actor=actor,
        fields=DECISION_FIELDS,
        verb="request.decide",
    )
    _mail_parent(request, template, subject)
    return request


@transaction.atomic
def decide_to_matching(*, actor: Membership, request: HelpRequest) -> HelpRequest:
    """Put the request on the waiting list for a buddy."""
    request = _locked(request)
    return _decide(
        actor=actor,
        request=request,
        to_status=RequestStatus.WAITING,
        description=_("Op de wachtlijst voor een buddy gezet."),
        template="intake/email/to_matching.txt",
        subject=gettext_lazy("Wij zoeken een buddy voor u"),
    )


@transaction.atomic
def decide_information_only(
    *, actor: Membership, request: HelpRequest, answer: str
) -> HelpRequest:
    """Answer the question with information; no buddy is needed."""
    request = _locked(request)
    answer = answer.strip()
    if not answer:
        raise DomainError(
            _("Schrijf de informatie die u de ouder geeft."), field="answer"
        )
    if len(answer) > QUESTION_MAX:
        raise DomainError(
            _("Hoogstens %(max)d tekens.") % {"max": QUESTION_MAX}, field="answer"
        )
    request.information_given = answer
    return _decide(
        actor=actor,
        request=request,
        to_status=RequestStatus.INFORMED,
        description=_("Beantwoord met informatie."),
        template="intake/email/informed.txt",
        subject=gettext_lazy("Antwoord op uw hulpvraag"),
    )


@transaction.atomic
def decide_referral(
    *,
    actor: Membership,
    request: HelpRequest,
    target: OrganisationReferralTarget,
    reason: str,
) -> HelpRequest:
    """Refer the parent to a better place, with the reason they will read."""
    request = _locked(request)
    if not target.is_active or target.organisation_id != request.organisation_id:
        raise DomainError(_("Kies een adres uit de lijst."), field="target")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Schrijf kort waarom u doorverwijst."), field="reason")
    request.referral_target = target
    request.referral_reason = reason[:500]
    return _decide(
        actor=actor,
        request=request,
        to_status=RequestStatus.REFERRED,
        description=_("Doorverwezen naar %(target)s.") % {"target": target.label_nl},
        template="intake/email/referred.txt",
        subject=gettext_lazy("Uw hulpvraag: een betere plek voor uw vraag"),
    )


@transaction.atomic
def withdraw_by_coordinator(
    *, actor: Membership, request: HelpRequest, reason: str
) -> HelpRequest:
    """Close a request the parent no longer wants (for example after a phone call)."""
    request = _locked(request)
    if not reason.strip():
        raise DomainError(_("Schrijf kort waarom."), field="reason")
    return _decide(
        actor=actor,
        request=request,
        to_status=RequestStatus.WITHDRAWN,
        description=_("Ingetrokken: %(reason)s") % {"reason": reason.strip()[:200]},
        template="intake/email/withdrawn.txt",
        subject=gettext_lazy("Uw hulpvraag is gestopt"),
    )


@transaction.atomic
def save_intake_note(
    *, actor: Membership, request: HelpRequest, note: str
) -> HelpRequest:
    """The coordinator's note of the intake conversation (encrypted)."""
    request = _locked(request)
    _coordinator(actor, request)
    if request.anonymised_at is not None:
        raise DomainError(_("De gegevens van deze hulpvraag zijn gewist."))
    if len(note) > 4000:
        raise DomainError(_("Hoogstens 4000 tekens."), field="note")
    request.intake_note = note.strip()
    request.save(update_fields=["intake_note", "updated_at"])
    _event(
        request, description=_("Notitie van het intakegesprek bijgewerkt."), actor=actor
    )
    record_event(
        actor=actor,
        organisation=request.organisation,
        verb="request.note",
        target=request,
    )
    return request


@transaction.atomic
def correct_codes(
    *, actor: Membership, request: HelpRequest, codes: list[str]
) -> HelpRequest:
    """Correct what the parent ticked, after the intake conversation."""
    request = _locked(request)
    _coordinator(actor, request)
    cleaned = validate_codes(codes, groups=CODE_GROUPS)
    before = set(request.codes.values_list("code", flat=True))
    request.codes.set(cleaned)  # type: ignore[arg-type]
    _event(request, description=_("Codes aangepast."), actor=actor)
    record_event(
        actor=actor,
        organisation=request.organisation,
        verb="request.codes",
        target=request,
        data={
            "added": sorted(set(cleaned) - before),
            "removed": sorted(before - set(cleaned)),
        },
    )
    return request


# --- Referral by a professional ---------------------------------------------------------


@transaction.atomic
def submit_professional_referral(
    *,
    organisation: Organisation,
    referrer_name: str,
    referrer_organisation: str,
    referrer_role: str,
    referrer_email: str,
    parent_name: str,
    parent_email: str,
    reason: str,
    parent_agreed: bool,
    client_ip: str = "",
) -> ProfessionalReferral:
    """A professional refers a parent. Nothing is processed until the parent confirms."""
    if not parent_agreed:
        raise DomainError(
            _("Verwijs alleen door als de ouder dat goed vindt."), field="parent_agreed"
        )
    if len(reason) > QUESTION_MAX:
        raise DomainError(
            _("Hoogstens %(max)d tekens.") % {"max": QUESTION_MAX}, field="reason"
        )
    _rate_limit(f"intake:referral:{referrer_email.lower()}", 20, 86400)
    if client_ip:
        _rate_limit(f"intake:ip:{client_ip}", REQUESTS_PER_IP_PER_HOUR, 3600)
    referral = ProfessionalReferral(
        organisation=organisation,
        referrer_name=referrer_name.strip(),
        referrer_organisation=referrer_organisation.strip(),
        referrer_role=referrer_role.strip(),
        referrer_email=referrer_email.strip().lower(),
        parent_name=parent_name.strip(),
        parent_email=parent_email.strip().lower(),
        reason=reason.strip(),
        parent_agreed=True,
        email_language=mail.current_language(),
    )
    referral.full_clean()
    referral.save()
    record_event(
        actor=None, organisation=organisation, verb="referral.create", target=referral
    )
    token = signing.dumps(
        {"f": str(referral.pk)}, salt=REFERRAL_LINK_SALT, compress=True
    )
    link = mail.absolute_url("intake:referral_confirm", token)
    # The parent has chosen no language yet: the professional's.
    mail.send_templated(
        to=[mail.Recipient(referral.parent_email, referral.email_language)],
        subject=gettext_lazy("%(org)s: wilt u uw hulpvraag bevestigen?"),
        subject_params={"org": organisation.name},
        template="intake/email/referral_to_parent.txt",
        context={
            "referral": referral,
            "organisation": organisation,
            "link": link,
            "days": REFERRAL_LINK_DAYS,
        },
    )
    return referral


def referral_for_token(token: str) -> ProfessionalReferral:
    """The referral behind the parent's confirmation link, or LinkProblem."""
    try:
        data = signing.loads(
            token,
            salt=REFERRAL_LINK_SALT,
            max_age=dt.timedelta(days=REFERRAL_LINK_DAYS),
        )
    except signing.SignatureExpired as exc:
        raise LinkProblem(
            _("Deze link is verlopen. U kunt de hulpvraag ook zelf invullen."),
            expired=True,
        ) from exc
    except signing.BadSignature as exc:
        raise LinkProblem(_("Deze link klopt niet."), expired=False) from exc
    referral = (
        ProfessionalReferral.objects.select_related("organisation")
        .filter(pk=data.get("f"))
        .first()
    )
    if referral is None:
        raise LinkProblem(_("Deze link klopt niet."), expired=False)
    if referral.confirmed_at is not None:
        raise LinkProblem(
            _(
                "U heeft deze hulpvraag al bevestigd. Kijk in uw e-mail voor de statuslink."
            ),
            expired=False,
            used=True,
        )
    return referral


# --- E-mail -------------------------------------------------------------------------------


def _mail_parent(request: HelpRequest, template: str, subject: Promise) -> None:
    """In the language the parent used on the form."""
    mail.send_templated(
        to=[mail.parent_recipient(request)],
        subject=subject,
        template=template,
        context={
            "request": request,
            "organisation": request.organisation,
            "link": status_url(request),
            "days": STATUS_LINK_DAYS,
            "contact_days": CONTACT_WITHIN_WORKING_DAYS,
        },
    )


def _mail_coordinators(request: HelpRequest, subject: Promise) -> None:
    """Each coordinator in their own language; `subject` may use %(ref)s."""
    mail.send_templated(
        to=mail.coordinators(request.organisation_id),
        subject=subject,
        subject_params={"ref": request.reference},
        template="intake/email/to_coordinators.txt",
        context={
            "request": request,
            "link": mail.absolute_url("intake:detail", request.pk),
        },
        organisation=request.organisation,
    )
