"""Writes of the evaluation app: the default questionnaires, invitations at the three
moments, answering page by page, declining, the research consent, resending, and
the daily reminders and expiry.

The moments (issue 14): T0 when a match starts (matching's `match_started`), T1 at
closure (casework's `closure_questionnaires`, whose links go into the closure
e-mail), T2 three months after closure (the daily job, the day casework's
follow-up is due). Each invitation is one person's signed, single-purpose link,
valid for `LINK_DAYS`, with one reminder after `REMINDER_DAYS`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ouderbuddy.casework.services import FOLLOW_UP_DAYS
from ouderbuddy.evaluation import defaults, instrument
from ouderbuddy.evaluation.models import (
    OPEN_STATUSES,
    Audience,
    Invitation,
    InvitationStatus,
    MatchKey,
    Moment,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Score,
    Subject,
    TextAnswer,
)
from ouderbuddy.intake.services import LinkProblem, has_active_consent
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.notifications import mail
from ouderbuddy.organisations.models import Role
from ouderbuddy.privacy.models import ConsentPurpose
from ouderbuddy.privacy.services import record_consent, record_event

if TYPE_CHECKING:
    from ouderbuddy.casework.models import Closure
    from ouderbuddy.intake.models import HelpRequest
    from ouderbuddy.matching.models import Match
    from ouderbuddy.organisations.models import Membership

LINK_DAYS = 30
REMINDER_DAYS = 7
ANONYMISE_AFTER_DAYS = 365
"""Evaluation data is anonymised twelve months after closure (DOMAIN.md §3.4): the
key to the match goes; the privacy issue runs it on this date."""
LINK_SALT = "ouderbuddy.evaluation.questionnaire"
# Routes in secondary education: their SWV is the postcode's VO district.
VO_ROUTES = ("route.vo", "route.vso", "route.pro", "route.lwoo", "route.mbo")


# --- The questionnaires ---------------------------------------------------------------------


def ensure_defaults() -> None:
    """The default instrument set in the database, at `defaults.VERSION`
    (idempotent; a new VERSION becomes the published one, earlier ones stay)."""
    now = timezone.now()
    for key, audience, moment, build in defaults.DEFAULTS:
        questionnaire = Questionnaire.objects.filter(
            organisation__isnull=True, key=key
        ).first()
        if questionnaire is None:
            try:
                with transaction.atomic():
                    questionnaire = Questionnaire.objects.create(
                        key=key, audience=audience, moment=moment
                    )
            except IntegrityError:  # made by another process meanwhile
                questionnaire = Questionnaire.objects.get(
                    organisation__isnull=True, key=key
                )
        if questionnaire.versions.filter(number=defaults.VERSION).exists():
            continue
        definition = build()
        instrument.parse(definition)
        try:
            with transaction.atomic():
                QuestionnaireVersion.objects.create(
                    questionnaire=questionnaire,
                    number=defaults.VERSION,
                    definition=definition,
                    published_at=now,
                )
        except IntegrityError:
            pass


def current_version(
    organisation_id: Any, audience: str, moment: str
) -> QuestionnaireVersion:
    """The version a new answer starts on: the organisation's own published copy for
    this audience and moment, else the default's newest published version."""
    versions = (
        QuestionnaireVersion.objects.filter(
            questionnaire__audience=audience,
            questionnaire__moment=moment,
            published_at__isnull=False,
        )
        .filter(
            Q(questionnaire__organisation_id=organisation_id)
            | Q(questionnaire__organisation__isnull=True)
        )
        .select_related("questionnaire")
        .order_by("questionnaire__organisation_id", "-number")
    )
    found = list(versions)
    if not found:
        ensure_defaults()
        found = list(versions.all())
    own = [v for v in found if v.questionnaire.organisation_id is not None]
    return (own or found)[0]


def make_own_copy(
    *, actor: Membership, version: QuestionnaireVersion
) -> QuestionnaireVersion:
    """A draft of the organisation's own copy of a published version, to add its own
    items to. The published version itself never changes."""
    _coordinator(actor)
    if not version.is_published:
        raise DomainError(_("Maak een eigen versie van een gepubliceerde vragenlijst."))
    source = version.questionnaire
    if source.organisation_id not in (None, actor.organisation_id):
        raise DomainError(_("Deze vragenlijst is niet van uw organisatie."))
    with transaction.atomic():
        own, _created = Questionnaire.objects.get_or_create(
            organisation_id=actor.organisation_id,
            key=f"own-{source.audience}-{source.moment}",
            defaults={"audience": source.audience, "moment": source.moment},
        )
        own = Questionnaire.objects.select_for_update().get(pk=own.pk)
        draft = own.versions.filter(published_at__isnull=True).first()
        if draft is not None:
            return draft
        last = own.versions.order_by("-number").first()
        draft = QuestionnaireVersion.objects.create(
            questionnaire=own,
            organisation_id=actor.organisation_id,
            number=(last.number + 1) if last else 1,
            definition=version.definition,
            based_on=version,
        )
        record_event(
            actor=actor,
            organisation=actor.organisation,
            verb="evaluation.copy",
            target=draft,
            data={"based_on": str(version.pk)},
        )
    return draft


OWN_KINDS = ("likert", "scale10", "text")


def add_own_item(
    *,
    actor: Membership,
    draft: QuestionnaireVersion,
    kind: str,
    text_nl: str,
    text_en: str = "",
) -> QuestionnaireVersion:
    """One extra item of the organisation's own on the draft's last page."""
    draft = _own_draft(actor, draft)
    text_nl, text_en = text_nl.strip(), text_en.strip()
    if kind not in OWN_KINDS:
        raise DomainError(_("Kies een soort vraag."), field="kind")
    if not text_nl:
        raise DomainError(_("Schrijf de vraag in het Nederlands."), field="text_nl")
    if len(text_nl) > 300 or len(text_en) > 300:
        raise DomainError(_("Een vraag is hoogstens 300 tekens."), field="text_nl")
    own = _own_items(draft.definition)
    if len(own) >= 5:
        raise DomainError(_("U kunt hoogstens vijf eigen vragen toevoegen."))
    item: dict[str, Any] = {
        "code": f"own_{len(own) + 1}_{timezone.now():%H%M%S%f}",
        "kind": kind,
        "text": {"nl": text_nl, **({"en": text_en} if text_en else {})},
    }
    if kind == "likert":
        item["anchors"] = "agree"
    elif kind == "scale10":
        item["low"] = {"nl": "0", "en": "0"}
        item["high"] = {"nl": "10", "en": "10"}
    draft = _save_own_items(draft, [*own, item])
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="evaluation.add_item",
        target=draft,
        data={"code": item["code"], "kind": kind},
    )
    return draft


def remove_own_item(
    *, actor: Membership, draft: QuestionnaireVersion, code: str
) -> QuestionnaireVersion:
    draft = _own_draft(actor, draft)
    own = _own_items(draft.definition)
    if code not in {item["code"] for item in own}:
        raise DomainError(_("Deze vraag staat niet in uw eigen vragen."))
    draft = _save_own_items(draft, [item for item in own if item["code"] != code])
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="evaluation.remove_item",
        target=draft,
        data={"code": code},
    )
    return draft


def publish(*, actor: Membership, draft: QuestionnaireVersion) -> QuestionnaireVersion:
    """The draft becomes the version new invitations start on. Who is halfway on
    an earlier version finishes that one."""
    draft = _own_draft(actor, draft)
    instrument.parse(draft.definition)
    draft.published_at = timezone.now()
    draft.save(update_fields=["published_at", "updated_at"])
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="evaluation.publish",
        target=draft,
    )
    return draft


def _own_items(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        item
        for page in definition.get("pages", [])
        for item in page.get("items", [])
        if item.get("own")
    ]


def _save_own_items(
    draft: QuestionnaireVersion, items: list[dict[str, Any]]
) -> QuestionnaireVersion:
    titles = {}
    for language in ("nl", "en"):
        with translation.override(language):
            titles[language] = _("Vragen van uw steunpunt")
    try:
        draft.definition = instrument.with_own_items(
            draft.definition, page_title=titles, items=items
        )
    except instrument.DefinitionError as exc:
        raise DomainError(_("Deze vraag past niet in de vragenlijst.")) from exc
    draft.save(update_fields=["definition", "updated_at"])
    return draft


def _own_draft(actor: Membership, draft: QuestionnaireVersion) -> QuestionnaireVersion:
    _coordinator(actor)
    with transaction.atomic():
        locked = (
            QuestionnaireVersion.objects.select_for_update()
            .select_related("questionnaire")
            .filter(pk=draft.pk, organisation_id=actor.organisation_id)
            .first()
        )
    if locked is None:
        raise DomainError(_("Deze vragenlijst is niet van uw organisatie."))
    if locked.is_published:
        raise DomainError(
            _(
                "Een gepubliceerde versie verandert niet meer. Maak een nieuwe eigen versie."
            )
        )
    return locked


def _coordinator(actor: Membership) -> None:
    if actor.role != Role.COORDINATOR or not actor.is_active:
        raise DomainError(_("Alleen een coördinator kan dit doen."))


# --- Subjects and invitations ----------------------------------------------------------------


def _school_year(day: dt.date) -> str:
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


def subject_for(match: Match) -> Subject:
    """The pseudonymous subject of a match (made once, with its breakdowns)."""
    key = MatchKey.objects.filter(match_id=match.pk).select_related("subject").first()
    if key is not None:
        return key.subject
    request = match.request
    codes = sorted(
        code
        for code, group, sensitive in request.codes.values_list(
            "code", "group", "is_sensitive"
        )
        if not sensitive
    )
    route = next((c for c in codes if c.startswith("route.")), "")
    postcode = request.postcode
    district = (
        postcode.vo_district_id
        if route.startswith("route.vo")
        else postcode.po_district_id
    ) or ""
    # A parent who said no for an earlier match of this request (a rematch) is not
    # asked again.
    declined = Subject.objects.filter(
        key__match__request_id=match.request_id, parent_declined=True
    ).exists()
    subject = Subject.objects.create(
        organisation_id=match.organisation_id,
        parent_declined=declined,
        school_year=_school_year(match.started_on or timezone.localdate()),
        district=district,
        route=route,
        codes=codes,
        fit=match.score,
        research_consent=has_active_consent(request, ConsentPurpose.RESEARCH),
    )
    MatchKey.objects.create(
        organisation_id=match.organisation_id, match=match, subject=subject
    )
    return subject


def match_of(subject: Subject) -> Match | None:
    key = (
        MatchKey.objects.filter(subject=subject)
        .select_related(
            "match__request__organisation", "match__buddy__user", "match__organisation"
        )
        .first()
    )
    return key.match if key else None


def token_for(invitation: Invitation) -> str:
    return signing.dumps(
        {"i": str(invitation.pk), "g": invitation.generation},
        salt=LINK_SALT,
        compress=True,
    )


def link_for(invitation: Invitation) -> str:
    return mail.absolute_url("evaluation:answer", token_for(invitation))


def _recipient(match: Match, audience: str) -> mail.Recipient | None:
    if audience == Audience.PARENT:
        return mail.parent_recipient(match.request)
    if audience == Audience.BUDDY:
        return mail.buddy_recipient(match.buddy)
    return None


def _invite(
    subject: Subject, match: Match, audience: str, moment: str, *, now: dt.datetime
) -> Invitation | None:
    """A new invitation (none when one exists, or the parent declined before)."""
    if audience == Audience.PARENT and subject.parent_declined:
        return None
    recipient = _recipient(match, audience)
    language = recipient.language if recipient else "nl"
    try:
        with transaction.atomic():
            return Invitation.objects.create(
                organisation_id=subject.organisation_id,
                subject=subject,
                audience=audience,
                moment=moment,
                language=language,
                sent_at=now,
                expires_at=now + dt.timedelta(days=LINK_DAYS),
            )
    except IntegrityError:
        return None


SUBJECTS = {
    Moment.START: gettext_lazy("Korte vragenlijst: hoe gaat het nu?"),
    Moment.END: gettext_lazy("Korte vragenlijst: hoe ging het met uw buddy?"),
    Moment.LATER: gettext_lazy("Korte vragenlijst: hoe gaat het drie maanden later?"),
}
REMINDER_SUBJECT = gettext_lazy("Herinnering: uw korte vragenlijst")


def _send(invitation: Invitation, match: Match, *, reminder: bool = False) -> None:
    recipient = _recipient(match, invitation.audience)
    if recipient is None:
        return
    person = (
        match.request.full_name
        if invitation.audience == Audience.PARENT
        else match.buddy.full_name
    )
    mail.send_templated(
        to=[recipient],
        subject=REMINDER_SUBJECT if reminder else SUBJECTS[Moment(invitation.moment)],
        template="evaluation/email/invitation.txt",
        context={
            "name": mail.first_name(person),
            "organisation": match.organisation,
            "link": link_for(invitation),
            "moment": invitation.moment,
            "reminder": reminder,
            "days": LINK_DAYS,
            "expires_on": invitation.expires_at,
        },
    )
    # Who was asked, when: the match and the moment, never an answer.
    record_event(
        actor=None,
        organisation=match.organisation,
        verb="evaluation.remind" if reminder else "evaluation.invite",
        target=match,
        data={"moment": invitation.moment, "audience": invitation.audience},
    )


def start_match(match: Match) -> None:
    """`match_started`: the subject is made and the parent is asked for T0."""
    subject = subject_for(match)
    invitation = _invite(
        subject, match, Audience.PARENT, Moment.START, now=timezone.now()
    )
    if invitation is not None:
        _send(invitation, match)


def closure_questionnaires(match: Match, closure: Closure) -> dict[str, str]:
    """casework's `closure_questionnaires`: at closure, T0 that was not answered is no
    longer asked (it would not be a baseline), and parent and buddy get T1. The links
    go into casework's closure e-mails; the result maps side to link."""
    subject = subject_for(match)
    subject.closure_reason = closure.reason
    subject.closed_on = closure.closed_on
    subject.anonymise_on = closure.closed_on + dt.timedelta(days=ANONYMISE_AFTER_DAYS)
    subject.save(
        update_fields=["closure_reason", "closed_on", "anonymise_on", "updated_at"]
    )
    now = timezone.now()
    Invitation.objects.filter(
        subject=subject, moment=Moment.START, status__in=OPEN_STATUSES
    ).update(status=InvitationStatus.WITHDRAWN, finished_at=now)
    links = {}
    for audience in (Audience.PARENT, Audience.BUDDY):
        invitation = _invite(subject, match, audience, Moment.END, now=now)
        if invitation is not None:
            links[str(audience)] = link_for(invitation)
    return links


def send_follow_up_questionnaires(*, today: dt.date | None = None) -> int:
    """T2: three months after closure (the day casework's follow-up is due) the
    parent is asked once more; a parent who declined is not."""
    today = today or timezone.localdate()
    due = Subject.objects.filter(
        closed_on__lte=today - dt.timedelta(days=FOLLOW_UP_DAYS),
        closed_on__gt=today - dt.timedelta(days=FOLLOW_UP_DAYS + LINK_DAYS),
        parent_declined=False,
        key__isnull=False,
    ).exclude(invitations__moment=Moment.LATER, invitations__audience=Audience.PARENT)
    sent = 0
    for subject in due:
        match = match_of(subject)
        if match is None:
            continue
        with transaction.atomic():
            invitation = _invite(
                subject, match, Audience.PARENT, Moment.LATER, now=timezone.now()
            )
            if invitation is not None:
                _send(invitation, match)
                sent += 1
    return sent


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """One reminder a week after the invitation, to who has not answered or declined
    (the school professional's link is the parent's to pass on: no reminder)."""
    now = now or timezone.now()
    due = Invitation.objects.filter(
        status__in=OPEN_STATUSES,
        reminded_at__isnull=True,
        sent_at__lte=now - dt.timedelta(days=REMINDER_DAYS),
        expires_at__gt=now,
        audience__in=[Audience.PARENT, Audience.BUDDY],
    ).select_related("subject")
    sent = 0
    for invitation in due:
        match = match_of(invitation.subject)
        if match is None:
            continue
        with transaction.atomic():
            updated = Invitation.objects.filter(
                pk=invitation.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if updated:
                _send(invitation, match, reminder=True)
                sent += 1
    return sent


def expire_invitations(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return Invitation.objects.filter(
        status__in=OPEN_STATUSES, expires_at__lte=now
    ).update(status=InvitationStatus.EXPIRED, finished_at=now)


def resend(*, actor: Membership, invitation: Invitation) -> Invitation:
    """The coordinator sends a questionnaire once more (once per invitation): a new
    link valid for another LINK_DAYS; the old link stops working."""
    _coordinator(actor)
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update()
            .filter(pk=invitation.pk, organisation_id=actor.organisation_id)
            .first()
        )
        if locked is None:
            raise DomainError(_("Deze vragenlijst bestaat niet."))
        invitation = locked
        if invitation.audience not in (Audience.PARENT, Audience.BUDDY):
            raise DomainError(_("Deze vragenlijst stuurt de ouder zelf door."))
        if invitation.resent_at is not None:
            raise DomainError(_("Deze vragenlijst is al een keer opnieuw verstuurd."))
        if invitation.status not in (*OPEN_STATUSES, InvitationStatus.EXPIRED):
            raise DomainError(
                _("Deze vragenlijst is beantwoord of de persoon wil niet meedoen.")
            )
        match = match_of(invitation.subject)
        if match is None:
            raise DomainError(_("Deze koppeling is al anoniem gemaakt."))
        now = timezone.now()
        invitation.status = (
            InvitationStatus.STARTED
            if Response.objects.filter(invitation=invitation).exists()
            else InvitationStatus.SENT
        )
        invitation.resent_at = now
        invitation.expires_at = now + dt.timedelta(days=LINK_DAYS)
        invitation.finished_at = None
        invitation.generation += 1
        invitation.save()
        _send(invitation, match)
        record_event(
            actor=actor,
            organisation=actor.organisation,
            verb="evaluation.resend",
            target=match,
            data={"moment": invitation.moment, "audience": invitation.audience},
        )
    return invitation


# --- Answering ---------------------------------------------------------------------------------


def _signed_invitation(token: str) -> Invitation:
    """The invitation a link was made for (of its latest sending), or LinkProblem
    for a link that was tampered with, from an earlier sending, or too old."""
    try:
        data = signing.loads(
            token, salt=LINK_SALT, max_age=dt.timedelta(days=LINK_DAYS)
        )
    except signing.SignatureExpired as exc:
        raise LinkProblem(_("Deze link is verlopen."), expired=True) from exc
    except signing.BadSignature as exc:
        raise LinkProblem(
            _("Deze link klopt niet. Gebruik de hele link uit uw e-mail."),
            expired=False,
        ) from exc
    invitation = None
    if isinstance(data, dict) and isinstance(data.get("i"), str):
        try:
            invitation = (
                Invitation.objects.select_related("subject")
                .filter(pk=data["i"])
                .first()
            )
        except (ValueError, TypeError, ValidationError):
            invitation = None
    if invitation is None or data.get("g") != invitation.generation:
        raise LinkProblem(
            _("Deze link werkt niet meer. Gebruik de link uit de nieuwste e-mail."),
            expired=False,
        )
    return invitation


def finished_invitation_for_token(token: str, status: str) -> Invitation:
    """The invitation of a link whose questionnaire was just answered or declined
    (for the page after it), or LinkProblem."""
    invitation = _signed_invitation(token)
    if invitation.status != status:
        raise LinkProblem(_("Deze vragenlijst is nog niet ingevuld."), expired=False)
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The open invitation of a questionnaire link, or LinkProblem: tampered, from an
    earlier sending, expired, answered or declined."""
    invitation = _signed_invitation(token)
    if invitation.status == InvitationStatus.ANSWERED:
        raise LinkProblem(
            _("Deze vragenlijst is al ingevuld. Dank u wel!"), expired=False, used=True
        )
    if invitation.status == InvitationStatus.DECLINED:
        raise LinkProblem(
            _("U heeft gezegd dat u niet meedoet. We vragen het niet meer."),
            expired=False,
            used=True,
        )
    if invitation.status == InvitationStatus.WITHDRAWN:
        raise LinkProblem(
            _("Deze vragenlijst is niet meer nodig."), expired=False, used=True
        )
    if (
        invitation.status == InvitationStatus.EXPIRED
        or invitation.expires_at <= timezone.now()
    ):
        raise LinkProblem(_("Deze link is verlopen."), expired=True)
    return invitation


def response_of(invitation: Invitation) -> Response | None:
    return (
        Response.objects.filter(invitation=invitation).select_related("version").first()
    )


def version_for(invitation: Invitation) -> QuestionnaireVersion:
    """The version the person answers: the one they began on, else the current."""
    response = response_of(invitation)
    if response is not None:
        return response.version
    return current_version(
        invitation.organisation_id, invitation.audience, invitation.moment
    )


def needs_research_consent(invitation: Invitation) -> bool:
    """The parent's first questionnaire asks for the research consent when it is
    missing (only the parent gives it; it is about their request)."""
    return (
        invitation.audience == Audience.PARENT
        and not invitation.subject.research_consent
    )


@transaction.atomic
def save_page(
    *,
    invitation: Invitation,
    page: int,
    answers: dict[str, Any],
    research_consent: bool = False,
    finish: bool = False,
) -> Response:
    """Store one page's answers (what was there before on this page is replaced);
    with `finish`, the scores are computed and the questionnaire is done. Answers
    for items not on this page, or out of range, are refused and nothing is saved."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("subject")
        .get(pk=invitation.pk)
    )
    if (
        invitation.status not in OPEN_STATUSES
        or invitation.expires_at <= timezone.now()
    ):
        raise DomainError(_("Deze vragenlijst kan niet meer worden ingevuld."))
    response = (
        Response.objects.filter(invitation=invitation).select_related("version").first()
    )
    version = (
        response.version
        if response
        else current_version(
            invitation.organisation_id, invitation.audience, invitation.moment
        )
    )
    parsed = instrument.parse(version.definition)
    if not 1 <= page <= len(parsed.pages):
        raise DomainError(_("Deze pagina bestaat niet."))
    on_page = {item.code: item for item in parsed.pages[page - 1].items}
    if set(answers) - set(on_page):
        raise DomainError(_("Een antwoord hoort niet bij deze vragen."))
    try:
        cleaned = {code: on_page[code].clean(value) for code, value in answers.items()}
    except instrument.AnswerError as exc:
        raise DomainError(
            _("Een antwoord past niet bij de vraag."), field=str(exc)
        ) from exc
    if response is None:
        response = Response.objects.create(
            organisation_id=invitation.organisation_id,
            invitation=invitation,
            subject=invitation.subject,
            version=version,
            audience=invitation.audience,
            moment=invitation.moment,
        )
    closed = {k: v for k, v in response.answers.items() if k not in on_page}
    for code, item in on_page.items():
        value = cleaned.get(code)
        if item.kind == "text":
            TextAnswer.objects.filter(response=response, item=code).delete()
            if value:
                TextAnswer.objects.create(
                    organisation_id=invitation.organisation_id,
                    response=response,
                    item=code,
                    text=value,
                )
        elif value is not None:
            closed[code] = value
    response.answers = closed
    response.page = max(response.page, page)
    if research_consent and needs_research_consent(invitation):
        _give_research_consent(invitation)
    now = timezone.now()
    if finish:
        response.submitted_at = now
        for scale, value in parsed.scores(closed).items():
            Score.objects.create(
                organisation_id=invitation.organisation_id,
                response=response,
                subject=invitation.subject,
                audience=invitation.audience,
                moment=invitation.moment,
                scale=scale,
                value=value,
            )
        invitation.status = InvitationStatus.ANSWERED
        invitation.finished_at = now
    else:
        invitation.status = InvitationStatus.STARTED
    response.save()
    invitation.save(update_fields=["status", "finished_at", "updated_at"])
    return response


def _give_research_consent(invitation: Invitation) -> None:
    match = match_of(invitation.subject)
    if match is None:
        return
    request: HelpRequest = match.request
    record_consent(
        organisation=request.organisation,
        purpose=ConsentPurpose.RESEARCH,
        subject=request,
        given_by=request.full_name,
    )
    Subject.objects.filter(pk=invitation.subject_id).update(research_consent=True)
    invitation.subject.research_consent = True


@transaction.atomic
def decline(*, invitation: Invitation) -> Invitation:
    """The person does not want to take part: this questionnaire stops, and a parent
    is not asked again (nor are their other open questionnaires)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status not in OPEN_STATUSES:
        raise DomainError(_("Deze vragenlijst is al afgerond."))
    now = timezone.now()
    invitation.status = InvitationStatus.DECLINED
    invitation.finished_at = now
    invitation.save(update_fields=["status", "finished_at", "updated_at"])
    if invitation.audience == Audience.PARENT:
        Subject.objects.filter(pk=invitation.subject_id).update(parent_declined=True)
        Invitation.objects.filter(
            subject_id=invitation.subject_id,
            audience=Audience.PARENT,
            status__in=OPEN_STATUSES,
        ).update(status=InvitationStatus.WITHDRAWN, finished_at=now)
    return invitation


def school_invitation(*, invitation: Invitation) -> Invitation:
    """The school professional's link the parent may pass on after their T1 (a
    separate invitation, with access to nothing but its own questionnaire)."""
    if invitation.audience != Audience.PARENT or invitation.moment != Moment.END:
        raise DomainError(_("Deze vragenlijst heeft geen formulier voor school."))
    existing = Invitation.objects.filter(
        subject_id=invitation.subject_id, audience=Audience.SCHOOL, moment=Moment.END
    ).first()
    if existing is not None:
        return existing
    now = timezone.now()
    try:
        with transaction.atomic():
            return Invitation.objects.create(
                organisation_id=invitation.organisation_id,
                subject_id=invitation.subject_id,
                audience=Audience.SCHOOL,
                moment=Moment.END,
                language="nl",
                sent_at=now,
                expires_at=now + dt.timedelta(days=LINK_DAYS),
            )
    except IntegrityError:
        return Invitation.objects.get(
            subject_id=invitation.subject_id,
            audience=Audience.SCHOOL,
            moment=Moment.END,
        )


def research_consent_withdrawn(request: HelpRequest, purpose: str) -> None:
    """intake's `consent_withdrawn`: without the research consent the parent's answers
    leave the figures from now on."""
    if purpose != ConsentPurpose.RESEARCH:
        return
    Subject.objects.filter(key__match__request=request).update(research_consent=False)
