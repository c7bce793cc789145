"""The write side of buddy support: intervisie groups, sessions, sign-ups,
attendance and the session record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.services import record_event
from ouderbuddy.support import emails, names, selectors
from ouderbuddy.support.checks import own_buddy
from ouderbuddy.support.models import (
    GroupMember,
    IntervisieGroup,
    IntervisieSession,
    Participation,
    ParticipationStatus,
)

RECORD_MAX = 4000


def _require_coordinator(actor: Membership) -> None:
    if actor.role != Role.COORDINATOR or not actor.is_active:
        raise DomainError(_("Alleen een coördinator kan dit doen."))


def _require_same_organisation(actor: Membership, *objects: object) -> None:
    for obj in objects:
        if getattr(obj, "organisation_id", None) != actor.organisation_id:
            raise DomainError(_("Dit hoort niet bij uw organisatie."))


def _require_may_lead(actor: Membership, group: IntervisieGroup) -> None:
    _require_same_organisation(actor, group)
    if not selectors.may_lead(actor, group):
        raise DomainError(
            _("Dit mag alleen de begeleider van de groep of een coördinator.")
        )


def _members(actor: Membership, buddy_ids: Iterable[Any]) -> list[Buddy]:
    """The organisation's buddies with these keys who have not stopped; any other key
    is refused (nothing is saved)."""
    wanted = {str(pk) for pk in buddy_ids}
    found = list(
        Buddy.objects.filter(organisation_id=actor.organisation_id, pk__in=wanted)
    )
    if {str(b.pk) for b in found} != wanted:
        raise DomainError(_("Kies alleen buddy's van uw organisatie."), field="members")
    stopped = [b.full_name for b in found if b.status == BuddyStatus.STOPPED]
    if stopped:
        raise DomainError(
            _("%(names)s is gestopt als buddy.") % {"names": ", ".join(stopped)},
            field="members",
        )
    return found


def _facilitator(actor: Membership, facilitator: Membership) -> Membership:
    if (
        facilitator.organisation_id != actor.organisation_id
        or not facilitator.is_active
        or facilitator.role not in (Role.COORDINATOR, Role.BUDDY)
    ):
        raise DomainError(
            _("Kies een coördinator of een buddy van uw organisatie als begeleider."),
            field="facilitator",
        )
    return facilitator


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Geef de groep een naam."), field="name")
    if len(name) > 120:
        raise DomainError(_("Schrijf hoogstens 120 tekens."), field="name")
    return name


def _name_taken(actor: Membership, name: str, group: IntervisieGroup | None) -> None:
    others = IntervisieGroup.objects.filter(
        organisation_id=actor.organisation_id,
        name__iexact=name,
        archived_at__isnull=True,
    )
    if group is not None:
        others = others.exclude(pk=group.pk)
    if others.exists():
        raise DomainError(_("Er is al een groep met deze naam."), field="name")


# --- Groups --------------------------------------------------------------------------


@transaction.atomic
def create_group(
    *,
    actor: Membership,
    name: str,
    facilitator: Membership,
    member_ids: Iterable[Any] = (),
) -> IntervisieGroup:
    """A new intervisie group with its facilitator and its first members."""
    _require_coordinator(actor)
    name = _clean_name(name)
    _name_taken(actor, name, None)
    group = IntervisieGroup(
        organisation_id=actor.organisation_id,
        name=name,
        facilitator=_facilitator(actor, facilitator),
    )
    group.full_clean()
    group.save()
    members = _members(actor, member_ids)
    GroupMember.objects.bulk_create(
        GroupMember(organisation_id=actor.organisation_id, group=group, buddy=b)
        for b in members
    )
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.group.create",
        target=group,
        data={"members": len(members), "facilitator": str(facilitator.pk)},
    )
    return group


@transaction.atomic
def update_group(
    *,
    actor: Membership,
    group: IntervisieGroup,
    name: str,
    facilitator: Membership,
    member_ids: Iterable[Any],
) -> IntervisieGroup:
    """Rename the group, change its facilitator and set its members."""
    _require_coordinator(actor)
    _require_same_organisation(actor, group)
    group = IntervisieGroup.objects.select_for_update().get(pk=group.pk)
    if group.archived_at is not None:
        raise DomainError(_("Deze groep is gestopt."))
    group.name = _clean_name(name)
    _name_taken(actor, group.name, group)
    group.facilitator = _facilitator(actor, facilitator)
    group.full_clean()
    group.save()
    members = {b.pk: b for b in _members(actor, member_ids)}
    current = set(
        GroupMember.objects.filter(group=group).values_list("buddy", flat=True)
    )
    GroupMember.objects.filter(group=group).exclude(buddy__in=members).delete()
    GroupMember.objects.bulk_create(
        GroupMember(organisation_id=actor.organisation_id, group=group, buddy=b)
        for pk, b in members.items()
        if pk not in current
    )
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.group.update",
        target=group,
        data={"members": len(members), "facilitator": str(group.facilitator_id)},
    )
    return group


@transaction.atomic
def archive_group(*, actor: Membership, group: IntervisieGroup) -> IntervisieGroup:
    """Stop a group; its sessions and records stay."""
    _require_coordinator(actor)
    _require_same_organisation(actor, group)
    group = IntervisieGroup.objects.select_for_update().get(pk=group.pk)
    if group.archived_at is not None:
        raise DomainError(_("Deze groep is al gestopt."))
    group.archived_at = timezone.now()
    group.save(update_fields=["archived_at", "updated_at"])
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.group.archive",
        target=group,
    )
    return group


# --- Sessions ------------------------------------------------------------------------


@transaction.atomic
def plan_session(
    *,
    actor: Membership,
    group: IntervisieGroup,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    theme: str,
    method: str,
    location: str = "",
    online_url: str = "",
) -> IntervisieSession:
    """Plan a session of the group; every member gets an invitation by e-mail."""
    _require_may_lead(actor, group)
    if group.archived_at is not None:
        raise DomainError(_("Deze groep is gestopt."))
    if starts_at <= timezone.now():
        raise DomainError(
            _("Kies een moment in de toekomst voor het begin."), field="starts_at"
        )
    if ends_at <= starts_at:
        raise DomainError(
            _("De bijeenkomst moet eindigen na het begin."), field="ends_at"
        )
    theme = " ".join(theme.split())
    if not theme:
        raise DomainError(_("Vul het thema in."), field="theme")
    if not location.strip() and not online_url.strip():
        raise DomainError(
            _("Vul een plaats in, of een link voor videobellen."), field="location"
        )
    session = IntervisieSession(
        organisation_id=actor.organisation_id,
        group=group,
        starts_at=starts_at,
        ends_at=ends_at,
        theme=theme,
        method=method,
        location=location.strip(),
        online_url=online_url.strip(),
    )
    session.full_clean()
    session.save()
    invited = [
        b for b in selectors.group_members(group) if b.status != BuddyStatus.STOPPED
    ]
    for buddy in invited:
        emails.invited(buddy, session)
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.session.plan",
        target=session,
        data={"group": str(group.pk), "invited": len(invited)},
    )
    return session


def _lock(session: IntervisieSession) -> IntervisieSession:
    return (
        IntervisieSession.objects.select_for_update()
        .select_related("group")
        .get(pk=session.pk)
    )


@transaction.atomic
def cancel_session(
    *, actor: Membership, session: IntervisieSession
) -> IntervisieSession:
    """Call a session off; whoever signed up gets an e-mail."""
    _require_may_lead(actor, session.group)
    session = _lock(session)
    if session.is_cancelled:
        raise DomainError(_("Deze bijeenkomst is al geannuleerd."))
    if session.has_started:
        raise DomainError(_("Deze bijeenkomst is al begonnen."))
    session.cancelled_at = timezone.now()
    session.save(update_fields=["cancelled_at", "updated_at"])
    signed_up = Buddy.objects.filter(
        organisation_id=session.organisation_id,
        pk__in=Participation.objects.filter(
            session=session, status=ParticipationStatus.SIGNED_UP
        ).values("buddy"),
    )
    for buddy in signed_up:
        emails.cancelled(buddy, session)
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.session.cancel",
        target=session,
    )
    return session


@transaction.atomic
def sign_up(*, actor: Membership, session: IntervisieSession) -> Participation:
    """The signed-in buddy signs up for a session of one of their groups."""
    _require_same_organisation(actor, session)
    buddy = own_buddy(actor, _("Alleen een buddy kan zich aanmelden."), active=False)
    session = _lock(session)
    if not GroupMember.objects.filter(group=session.group, buddy=buddy).exists():
        raise DomainError(_("U zit niet in deze groep."))
    if session.is_cancelled:
        raise DomainError(_("Deze bijeenkomst gaat niet door."))
    if session.has_started:
        raise DomainError(
            _("Deze bijeenkomst is al begonnen. Aanmelden kan niet meer.")
        )
    if buddy.status == BuddyStatus.STOPPED:
        raise DomainError(_("U bent gestopt als buddy."))
    participation, _created = Participation.objects.get_or_create(
        organisation_id=actor.organisation_id,
        session=session,
        buddy=buddy,
        defaults={"status": ParticipationStatus.SIGNED_UP},
    )
    if not _created:
        if participation.status == ParticipationStatus.SIGNED_UP:
            raise DomainError(_("U bent al aangemeld."))
        participation.status = ParticipationStatus.SIGNED_UP
        participation.save(update_fields=["status", "updated_at"])
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.session.sign_up",
        target=session,
    )
    return participation


@transaction.atomic
def cancel_sign_up(*, actor: Membership, session: IntervisieSession) -> Participation:
    """The signed-in buddy cancels their sign-up, before the session starts."""
    _require_same_organisation(actor, session)
    buddy = own_buddy(actor, _("Alleen een buddy kan zich aanmelden."), active=False)
    session = _lock(session)
    participation = Participation.objects.filter(
        session=session, buddy=buddy, status=ParticipationStatus.SIGNED_UP
    ).first()
    if participation is None:
        raise DomainError(_("U was niet aangemeld."))
    if session.has_started:
        raise DomainError(_("Deze bijeenkomst is al begonnen. Afmelden kan niet meer."))
    participation.status = ParticipationStatus.CANCELLED
    participation.save(update_fields=["status", "updated_at"])
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.session.cancel_sign_up",
        target=session,
    )
    return participation


# --- After the session -----------------------------------------------------------


def _require_held(session: IntervisieSession) -> None:
    if session.is_cancelled:
        raise DomainError(_("Deze bijeenkomst is niet doorgegaan."))
    if not session.has_started:
        raise DomainError(_("U kunt dit pas invullen als de bijeenkomst begonnen is."))


@transaction.atomic
def record_attendance(
    *,
    actor: Membership,
    session: IntervisieSession,
    attendance: Mapping[Any, bool],
) -> int:
    """Record for the whole group at once who came. Every member (and anyone who
    signed up) gets an answer; all or nothing. Returns how many came."""
    _require_may_lead(actor, session.group)
    session = _lock(session)
    _require_held(session)
    expected = {str(row["buddy"].pk) for row in selectors.attendance_rows(session)}
    answers = {str(key): bool(value) for key, value in attendance.items()}
    if not expected:
        raise DomainError(_("Deze groep heeft geen leden."))
    if set(answers) - expected:
        raise DomainError(_("Kies alleen buddy's van deze groep."))
    if expected - set(answers):
        raise DomainError(_("Kies voor iedere buddy aanwezig of afwezig."))
    taken = {str(k): p for k, p in selectors.participations_of(session).items()}
    for key, came in answers.items():
        participation = taken.get(key)
        if participation is None:
            Participation.objects.create(
                organisation_id=session.organisation_id,
                session=session,
                buddy_id=key,
                status=ParticipationStatus.CANCELLED
                if not came
                else ParticipationStatus.SIGNED_UP,
                attended=came,
            )
        else:
            participation.attended = came
            participation.save(update_fields=["attended", "updated_at"])
    session.attendance_recorded_at = timezone.now()
    session.save(update_fields=["attendance_recorded_at", "updated_at"])
    present = sum(answers.values())
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.session.attendance",
        target=session,
        data={"present": present, "absent": len(answers) - present},
    )
    return present


def _clean_record(text: str, field: str) -> str:
    text = text.strip()
    if len(text) > RECORD_MAX:
        raise DomainError(
            _("Schrijf hoogstens %(n)s tekens.") % {"n": RECORD_MAX}, field=field
        )
    return text


@transaction.atomic
def record_session(
    *,
    actor: Membership,
    session: IntervisieSession,
    themes: str,
    agreements: str,
    not_a_name: bool = False,
) -> IntervisieSession:
    """The short record of a session: themes discussed and agreements. A record that
    holds a name of a parent or child in one of the organisation's running matches
    is refused with those words, unless the writer confirms they are no names
    (`not_a_name`: "Roos" may be a flower)."""
    _require_may_lead(actor, session.group)
    session = _lock(session)
    _require_held(session)
    themes = _clean_record(themes, "themes")
    agreements = _clean_record(agreements, "agreements")
    if not themes:
        raise DomainError(_("Schrijf op welke thema's besproken zijn."), field="themes")
    if not not_a_name:
        words = selectors.names_in_running_matches(session.organisation_id)
        found = names.names_in(f"{themes}\n{agreements}", words)
        if found:
            raise DomainError(
                _(
                    "In het verslag staat een naam uit een lopende koppeling: "
                    "%(names)s. Schrijf geen namen van ouders of kinderen op. Is het "
                    "toch geen naam? Vink dan aan dat het geen naam is."
                )
                % {"names": ", ".join(found)},
                # Shown at the themes; "names" tells the page to offer the box.
                field="names",
            )
    session.record_themes = themes
    session.record_agreements = agreements
    session.recorded_at = timezone.now()
    session.recorded_by_id = actor.user_id
    session.full_clean()
    session.save(
        update_fields=[
            "record_themes",
            "record_agreements",
            "recorded_at",
            "recorded_by",
            "updated_at",
        ]
    )
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.session.record",
        target=session,
        data={"confirmed_no_names": not_a_name},
    )
    return session
