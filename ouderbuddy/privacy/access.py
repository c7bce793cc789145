"""Subject access (AVG art. 15) and portability (art. 20): everything held about one
person, as plain dicts and lists that are JSON as they are.

A person is a parent (every help request of the same e-mail address in the
organisation), a buddy (the buddy record and its account) or a staff member (an
account's membership of the organisation). What is collected for each is an
explicit plan of `Step`s below, from the person's own rows along the foreign keys
that point at them; `covered_models()` names every model a plan reaches, and
`privacy/tests/test_access_export.py` walks every model of the project and fails on
one that refers to a person and is neither covered nor listed there with a reason.

Privacy sits below the apps whose data it describes (docs/ARCHITECTURE.md, the
layers), so the models are taken from the app registry by label, never imported.
Every query is filtered on the organisation; encrypted fields come decrypted from
the ORM. Secrets (password hashes, token hashes, authenticator keys) are never
exported. The export holds no request for a page: the views draw it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ouderbuddy.privacy import retention
from ouderbuddy.privacy.models import (
    AuditEvent,
    Consent,
    ConsentPurpose,
    RetentionCategory,
    RightRequest,
)
from ouderbuddy.privacy.services import audit_label, short_id

PARENT = "parent"
BUDDY = "buddy"
STAFF = "staff"
KINDS = (PARENT, BUDDY, STAFF)

# The model each kind of person is found by, and how a RightRequest, a Consent and
# the audit log name it (`subject_type`).
SUBJECT_MODEL = {
    PARENT: "intake.helprequest",
    BUDDY: "buddies.buddy",
    STAFF: "organisations.membership",
}

USER = "accounts.user"
MEMBERSHIP = "organisations.membership"


@dataclass(frozen=True)
class Step:
    """Rows of `model` to export: those whose `field` points at a row already
    collected of `source` (forward: the rows of `model` that `source.field` points
    at; `by_email`: the rows whose `field` is the person's address)."""

    model: str
    field: str = ""
    source: str = ""
    forward: bool = False
    by_email: bool = False
    where: tuple[tuple[str, Any], ...] = ()


def _match_steps(audience: str) -> tuple[Step, ...]:
    """The questionnaires of a match, only those the person was asked to fill in."""
    return (
        Step("evaluation.matchkey", "match", "matching.match"),
        Step("evaluation.subject", "subject", "evaluation.matchkey", forward=True),
        Step(
            "evaluation.invitation",
            "subject",
            "evaluation.subject",
            where=(("audience", audience),),
        ),
        Step("evaluation.response", "invitation", "evaluation.invitation"),
        Step("evaluation.textanswer", "response", "evaluation.response"),
        Step("evaluation.score", "response", "evaluation.response"),
    )


# The account of a buddy or a staff member: sign-in, second step, failed sign-ins.
ACCOUNT_STEPS: tuple[Step, ...] = (
    Step("otp_totp.totpdevice", "user", USER),
    Step("otp_static.staticdevice", "user", USER),
    Step("axes.accessattempt", "username", by_email=True),
    Step("axes.accessfailurelog", "username", by_email=True),
    Step("axes.accesslog", "username", by_email=True),
    Step("accounts.invitation", "email", by_email=True),
)

PLANS: dict[str, tuple[Step, ...]] = {
    PARENT: (
        Step("intake.helprequest"),
        Step("intake.requestevent", "request", "intake.helprequest"),
        Step("intake.professionalreferral", "request", "intake.helprequest"),
        Step("intake.professionalreferral", "parent_email", by_email=True),
        Step("reports.requestsignal", "request", "intake.helprequest"),
        Step("matching.match", "request", "intake.helprequest"),
        Step("matching.matchevent", "match", "matching.match"),
        Step("matching.conflict", "request", "intake.helprequest"),
        Step("matching.batchline", "request", "intake.helprequest"),
        Step("casework.agreement", "match", "matching.match"),
        Step("casework.schoolmeeting", "match", "matching.match"),
        Step("casework.contact", "match", "matching.match"),
        Step("casework.checkin", "match", "matching.match"),
        Step("casework.fitanswer", "match", "matching.match"),
        Step("casework.safetysignal", "match", "matching.match"),
        Step("casework.closure", "match", "matching.match"),
        Step("support.question", "match", "matching.match"),
        Step("support.reply", "question", "support.question"),
        *_match_steps("parent"),
    ),
    BUDDY: (
        Step("buddies.buddy"),
        Step("buddies.statuschange", "buddy", "buddies.buddy"),
        Step("buddies.interview", "buddy", "buddies.buddy"),
        Step("buddies.agreementsignature", "buddy", "buddies.buddy"),
        Step("training.enrolment", "buddy", "buddies.buddy"),
        Step("training.qualification", "buddy", "buddies.buddy"),
        Step("training.remindersent", "buddy", "buddies.buddy"),
        Step("matching.match", "buddy", "buddies.buddy"),
        Step("matching.matchevent", "match", "matching.match"),
        Step("matching.conflict", "buddy", "buddies.buddy"),
        Step("matching.batchline", "buddy", "buddies.buddy"),
        Step("casework.calendarfeed", "buddy", "buddies.buddy"),
        Step("support.groupmember", "buddy", "buddies.buddy"),
        Step("support.participation", "buddy", "buddies.buddy"),
        Step("support.question", "buddy", "buddies.buddy"),
        Step("support.reply", "question", "support.question"),
        Step("support.announcementrecipient", "buddy", "buddies.buddy"),
        Step("support.thankyou", "buddy", "buddies.buddy"),
        Step("support.expenseclaim", "buddy", "buddies.buddy"),
        Step("support.claimevent", "claim", "support.expenseclaim"),
        Step("support.flatallowance", "buddy", "buddies.buddy"),
        *_match_steps("buddy"),
        Step(USER, "user", "buddies.buddy", forward=True),
        Step(MEMBERSHIP, "user", USER),
        *ACCOUNT_STEPS,
    ),
    STAFF: (
        Step(MEMBERSHIP),
        Step(USER, "user", MEMBERSHIP, forward=True),
        Step("reports.timeentry", "membership", MEMBERSHIP),
        *ACCOUNT_STEPS,
    ),
}

# Fields never exported: secrets that would open the account or a link.
SECRET_FIELDS = frozenset(
    {"password", "key", "submission_key", "throttling_failure_count"}
)

# Models the references list never shows (shown elsewhere in the export, or a row
# about the account itself that the plan already holds).
NOT_A_REFERENCE = frozenset({"privacy.auditevent", USER, MEMBERSHIP})

# What each app's rows are for (AVG art. 15 lid 1 a: the purposes).
PURPOSES: dict[str, Any] = {
    "intake": _(
        "Uw hulpvraag behandelen: contact met u opnemen en kijken welke hulp past."
    ),
    "matching": _("Een buddy zoeken die bij de hulpvraag past, en de koppeling."),
    "casework": _(
        "De begeleiding volgen: afspraken, contacten, gesprekken op school, "
        "check-ins en zorgen over veiligheid."
    ),
    "buddies": _(
        "Uw aanmelding als buddy, het kennismakingsgesprek, de VOG en de afspraken."
    ),
    "training": _("De trainingen die u volgde en wat u daarmee mag doen."),
    "support": _(
        "Steun voor buddy's: intervisie, vragen en antwoorden, berichten, "
        "bedankjes en de vergoeding van onkosten."
    ),
    "evaluation": _(
        "Vragenlijsten om de begeleiding te verbeteren (alleen met toestemming)."
    ),
    "knowledge": _("De kennisbank van het steunpunt."),
    "reports": _("Cijfers en signalen voor het steunpunt, zonder namen."),
    "accounts": _("Inloggen en uw account beveiligen."),
    "organisations": _("Uw rol in het steunpunt."),
    "otp_totp": _("Inloggen en uw account beveiligen."),
    "otp_static": _("Inloggen en uw account beveiligen."),
    "axes": _("Uw account beschermen tegen inbraak: mislukte inlogpogingen."),
    "privacy": _("Bewijs van uw toestemming, en wie wat deed of las."),
    "notifications": _("E-mails die nog verstuurd moeten worden."),
}


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _has_organisation(model: type[models.Model]) -> bool:
    return any(f.name == "organisation" for f in model._meta.concrete_fields)


def _target(field: Any) -> str:
    """The label of the model a foreign key points at ('' for other fields)."""
    related = getattr(field, "related_model", None)
    if not field.is_relation or related is None or isinstance(related, str):
        return ""
    return str(related._meta.label_lower)


def covered_models() -> set[str]:
    """Every model an export holds rows of: the plans, the consents, the rights
    requests, the audit log (reads and one's own actions) and the mail queue."""
    found = {step.model for plan in PLANS.values() for step in plan}
    found |= {
        "privacy.consent",
        "privacy.rightrequest",
        "privacy.auditevent",
        "notifications.outgoingemail",
    }
    return found | set(referencing_models())


def referencing_models() -> dict[str, list[str]]:
    """Models with a foreign key to an account or a membership, and those keys: the
    export of a buddy or staff member lists the rows that name them."""
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_A_REFERENCE or not _has_organisation(model):
            continue
        keys = [
            f.name
            for f in model._meta.concrete_fields
            if _target(f) in {USER, MEMBERSHIP}
        ]
        if keys:
            found[label] = keys
    return found


# --- Finding the person ---------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Who an export is about: the rows it starts from, within one organisation."""

    kind: str
    organisation_id: Any
    subject: models.Model  # the help request, buddy or membership it was asked for
    email: str
    label: str  # a non-personal reference: HV-…, "Buddy …", "Medewerker …"
    user_id: Any = None
    membership_ids: tuple[Any, ...] = ()


def subject_label(kind: str, subject: models.Model) -> str:
    """How a RightRequest names the person: never by name."""
    if kind == STAFF:
        return f"Medewerker {short_id(subject.pk)}"
    return audit_label(subject)


def find_person(kind: str, subject_id: Any, organisation_id: Any) -> Person:
    """The person behind `subject_id` in the organisation, or Http404 (also for
    another organisation's id)."""
    if kind not in SUBJECT_MODEL:
        raise Http404
    model = _model(SUBJECT_MODEL[kind])
    try:
        subject = model._base_manager.get(
            pk=subject_id, organisation_id=organisation_id
        )
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
    label = subject_label(kind, subject)
    if kind == PARENT:
        return Person(kind, organisation_id, subject, subject.email, label)  # type: ignore[attr-defined]
    if kind == BUDDY:
        return Person(
            kind,
            organisation_id,
            subject,
            subject.email,  # type: ignore[attr-defined]
            label,
            user_id=subject.user_id,  # type: ignore[attr-defined]
        )
    user = _model(USER)._base_manager.get(pk=subject.user_id)  # type: ignore[attr-defined]
    return Person(
        kind,
        organisation_id,
        subject,
        user.email,  # type: ignore[attr-defined]
        label,
        user_id=user.pk,
        membership_ids=(subject.pk,),
    )


# --- Collecting -----------------------------------------------------------------------


def anchors(person: Person) -> list[models.Model]:
    """The rows the plan starts from: every request of the parent's address."""
    if person.kind == PARENT and person.email:
        model = _model("intake.helprequest")
        return list(
            model._base_manager.filter(
                organisation_id=person.organisation_id, email__iexact=person.email
            ).order_by("received_at")
        )
    return [person.subject]


def collect(person: Person) -> dict[str, list[models.Model]]:
    """The rows of each model the person's plan reaches, in the plan's order."""
    rows: dict[str, dict[Any, models.Model]] = {}
    plan = PLANS[person.kind]
    rows[plan[0].model] = {row.pk: row for row in anchors(person)}
    for step in plan[1:]:
        model = _model(step.model)
        queryset = model._base_manager.all()
        if step.by_email:
            if not person.email:
                continue
            queryset = queryset.filter(**{f"{step.field}__iexact": person.email})
        elif step.forward:
            source = rows.get(step.source, {})
            pks = {getattr(row, f"{step.field}_id") for row in source.values()}
            queryset = queryset.filter(pk__in=pks - {None})
        else:
            pks = set(rows.get(step.source, {}))
            if not pks:
                continue
            queryset = queryset.filter(**{f"{step.field}__in": pks})
        if _has_organisation(model):
            queryset = queryset.filter(organisation_id=person.organisation_id)
        if step.where:
            queryset = queryset.filter(**dict(step.where))
        found = rows.setdefault(step.model, {})
        for row in queryset.order_by("pk"):
            found.setdefault(row.pk, row)
    return {label: list(found.values()) for label, found in rows.items() if found}


# --- Making rows readable -------------------------------------------------------------


class _Labels:
    """How a foreign key is shown: a person's reference (HV-…, "Buddy …"), a staff
    member's name, or the row's own name; each target read once."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, Any], str] = {}

    def __call__(self, model: type[models.Model], pk: Any) -> str:
        key = (model._meta.label_lower, pk)
        if key not in self._seen:
            target = model._base_manager.filter(pk=pk).first()
            self._seen[key] = "" if target is None else self._text(target)
        return self._seen[key]

    @staticmethod
    def _text(target: models.Model) -> str:
        label = target._meta.label_lower
        if label == USER:
            return str(getattr(target, "full_name", "") or short_id(target.pk))
        if label == MEMBERSHIP:
            user = target.user  # type: ignore[attr-defined]
            return str(user.full_name or short_id(user.pk))
        return audit_label(target)


def _when(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "j F Y H:i")


def _plain(value: Any) -> Any:
    """A value as JSON holds it."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _text(field: models.Field[Any, Any], value: Any) -> str:
    """A value as a reader reads it."""
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nee")
    if isinstance(value, dt.datetime):
        return _when(value)
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(_plain(value), ensure_ascii=False)
    return str(value)


# Dutch labels for fields whose model gives none (Django would show the code name).
FIELD_LABELS: dict[str, Any] = {
    "request": _("Hulpvraag"),
    "match": _("Koppeling"),
    "buddy": _("Buddy"),
    "user": _("Account"),
    "actor": _("Door"),
    "at": _("Tijdstip"),
    "by": _("Door"),
    "by_parent": _("Door de ouder"),
    "from_status": _("Van status"),
    "to_status": _("Naar status"),
    "decided_by": _("Besloten door"),
    "created_by": _("Gemaakt door"),
    "recorded_by": _("Vastgelegd door"),
    "logged_by": _("Genoteerd door"),
    "proposed_by": _("Voorgesteld door"),
    "status_link_version": _("Versie van de statuslink"),
    "email_language": _("Taal van de e-mails"),
}


def _label(field: models.Field[Any, Any]) -> str:
    """The field's own label, or a Dutch one where the model gives only its name."""
    own = str(field.verbose_name)
    if own == field.name.replace("_", " ") and field.name in FIELD_LABELS:
        return str(FIELD_LABELS[field.name])
    return capfirst(own)


def _is_secret(field: models.Field[Any, Any]) -> bool:
    return field.name in SECRET_FIELDS or field.name.endswith("_hash")


def record(row: models.Model, labels: _Labels) -> dict[str, Any]:
    """One row: each field with its name, label, value (for a program) and text (for
    a reader)."""
    fields = []
    for field in row._meta.concrete_fields:
        if field.name == "organisation" or field.primary_key or _is_secret(field):
            continue
        if field.is_relation:
            pk = getattr(row, field.attname)
            assert field.related_model is not None
            value = _plain(pk)
            text = "" if pk is None else labels(field.related_model, pk)  # type: ignore[arg-type]
        else:
            raw = field.value_from_object(row)
            if isinstance(field, models.FileField):
                raw = raw.name if raw else ""
            value = _plain(raw)
            text = _text(field, raw)
        fields.append(
            {
                "name": field.name,
                "label": _label(field),
                "value": value,
                "text": text,
            }
        )
    return {"id": str(row.pk), "fields": fields}


def _section(
    label: str, rows: Iterable[models.Model], labels: _Labels
) -> dict[str, Any]:
    model = _model(label)
    return {
        "model": label,
        "title": capfirst(str(model._meta.verbose_name_plural)),
        "purpose": str(PURPOSES.get(model._meta.app_label, "")),
        "records": [record(row, labels) for row in rows],
    }


# --- The parts of an export that are not plain rows -----------------------------------


def _subject_keys(
    person: Person, found: dict[str, list[models.Model]]
) -> dict[str, list[str]]:
    """subject_type → ids under which consents, rights requests and the audit log
    name the person's records."""
    keys: dict[str, list[str]] = {}
    for label in ("intake.helprequest", "matching.match", "buddies.buddy", MEMBERSHIP):
        if label == "matching.match" and person.kind != PARENT:
            continue
        if label == MEMBERSHIP and person.kind != STAFF:
            continue
        ids = [str(row.pk) for row in found.get(label, [])]
        if ids:
            keys[label] = ids
    return keys


def _by_subject(keys: dict[str, list[str]], type_field: str, id_field: str) -> Q:
    query = Q(pk__in=[])
    for subject_type, ids in keys.items():
        query |= Q(**{type_field: subject_type, f"{id_field}__in": ids})
    return query


def consents(person: Person, keys: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Each consent with the exact text that was shown and its version."""
    rows = Consent.objects.filter(
        _by_subject(keys, "subject_type", "subject_id"),
        organisation_id=person.organisation_id,
    ).order_by("given_at")
    return [
        {
            "purpose": consent.purpose,
            "purpose_label": str(ConsentPurpose(consent.purpose).label)
            if consent.purpose in ConsentPurpose.values
            else consent.purpose,
            "given_at": consent.given_at.isoformat(),
            "given_at_text": _when(consent.given_at),
            "given_by": consent.given_by,
            "text_version": consent.text_version,
            "text": consent.text,
            "withdrawn_at": consent.withdrawn_at.isoformat()
            if consent.withdrawn_at
            else None,
            "withdrawn_at_text": _when(consent.withdrawn_at)
            if consent.withdrawn_at
            else "",
        }
        for consent in rows
    ]


def right_requests(person: Person, keys: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The person's requests to exercise a right, with their deadlines."""
    rows = RightRequest.objects.filter(
        _by_subject(keys, "subject_type", "subject_id"),
        organisation_id=person.organisation_id,
    ).order_by("received_at")
    return [
        {
            "kind": row.kind,
            "kind_label": row.get_kind_display(),
            "received_at": row.received_at.isoformat(),
            "received_at_text": _when(row.received_at),
            "due_on": row.due_on.isoformat(),
            "due_on_text": date_format(row.due_on, "j F Y"),
            "channel": row.channel,
            "status": row.status,
            "status_label": row.get_status_display(),
            "done_at": row.done_at.isoformat() if row.done_at else None,
            "outcome": row.outcome,
        }
        for row in rows
    ]


def reads(person: Person, keys: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Who read the person's case: when, who, what (the audit log's read rows)."""
    rows = (
        AuditEvent.objects.filter(
            _by_subject(keys, "target_type", "target_id"),
            organisation_id=person.organisation_id,
            verb="read",
        )
        .select_related("actor")
        .order_by("at")
    )
    return [
        {
            "at": event.at.isoformat(),
            "at_text": _when(event.at),
            "who": (event.actor.full_name or event.actor.email) if event.actor else "",
            "what": event.target_label,
        }
        for event in rows
    ]


def own_actions(person: Person) -> list[dict[str, Any]]:
    """What the person did in the organisation's part of the app (audit log rows
    with them as actor; the rows name no one)."""
    if person.user_id is None:
        return []
    rows = AuditEvent.objects.filter(
        actor_id=person.user_id, organisation_id=person.organisation_id
    ).order_by("at")
    return [
        {
            "at": event.at.isoformat(),
            "at_text": _when(event.at),
            "verb": event.verb,
            "what": event.target_label,
        }
        for event in rows
    ]


def references(person: Person) -> list[dict[str, Any]]:
    """Rows elsewhere that name the person's account (who logged, decided, wrote):
    which record and in what role, without the record's content, which is about
    others."""
    if person.user_id is None:
        return []
    membership_ids = list(person.membership_ids) or list(
        _model(MEMBERSHIP)
        ._base_manager.filter(
            user_id=person.user_id, organisation_id=person.organisation_id
        )
        .values_list("pk", flat=True)
    )
    planned = {step.model for step in PLANS[person.kind]}
    found = []
    for label, keys in sorted(referencing_models().items()):
        if label in planned:
            continue
        model = _model(label)
        for key in keys:
            field = model._meta.get_field(key)
            ids = [person.user_id] if _target(field) == USER else membership_ids
            queryset = model._base_manager.filter(
                **{f"{key}__in": ids}, organisation_id=person.organisation_id
            ).order_by("pk")
            for row in queryset:
                found.append(
                    {
                        "model": label,
                        "title": capfirst(str(model._meta.verbose_name)),
                        "role": capfirst(str(getattr(field, "verbose_name", key))),
                        "record": audit_label(row),
                    }
                )
    return found


def pending_emails(person: Person, organisation_name: str) -> list[dict[str, Any]]:
    """E-mails to the person's address still waiting to be sent (a sent e-mail is
    deleted). The queue holds no organisation: the footer under every e-mail names
    the support point, so only those that name this one are shown."""
    if not person.email:
        return []
    email = person.email.lower()
    found = []
    for row in _model("notifications.outgoingemail")._base_manager.order_by(
        "created_at"
    ):
        try:
            payload = json.loads(row.payload)  # type: ignore[attr-defined]
        except (TypeError, ValueError):
            continue
        to = [str(a).lower() for a in payload.get("to", [])]
        if email not in to or organisation_name not in str(payload.get("body", "")):
            continue
        found.append(
            {
                "created_at": row.created_at.isoformat(),  # type: ignore[attr-defined]
                "created_at_text": _when(row.created_at),  # type: ignore[attr-defined]
                "subject": str(payload.get("subject", "")),
            }
        )
    return found


# --- Retention ------------------------------------------------------------------------

CATEGORIES = {
    PARENT: (
        RetentionCategory.CLOSED_MATCH,
        RetentionCategory.CONTACT_LOG,
        RetentionCategory.ENDED_REQUEST,
        RetentionCategory.INFORMATION_REQUEST,
        RetentionCategory.QUESTIONNAIRE,
        RetentionCategory.EMAIL,
        RetentionCategory.AUDIT_LOG,
    ),
    BUDDY: (
        RetentionCategory.STOPPED_BUDDY,
        RetentionCategory.EXPENSES,
        RetentionCategory.QUESTION_THREAD,
        RetentionCategory.QUESTIONNAIRE,
        RetentionCategory.EMAIL,
        RetentionCategory.AUDIT_LOG,
        RetentionCategory.SESSIONS,
    ),
    STAFF: (
        RetentionCategory.AUDIT_LOG,
        RetentionCategory.EMAIL,
        RetentionCategory.SESSIONS,
    ),
}


def _not_yet(category: str) -> str:
    return gettext("Nog niet: de termijn begint pas %(starts)s.") % {
        "starts": retention.RULE_OF[category].starts
    }


def _due_text(day: dt.date | None) -> str:
    return date_format(day, "j F Y") if day else ""


def _closure_day(
    found: dict[str, list[models.Model]], request_pk: Any
) -> dt.date | None:
    matches = {
        m.pk
        for m in found.get("matching.match", [])
        if getattr(m, "request_id", None) == request_pk
    }
    days = [
        c.closed_on  # type: ignore[attr-defined]
        for c in found.get("casework.closure", [])
        if c.match_id in matches  # type: ignore[attr-defined]
    ]
    return max(days) if days else None


def _request_dates(
    found: dict[str, list[models.Model]], months: dict[str, int]
) -> list[dict[str, Any]]:
    """Per help request: which category it falls under now and from when its period
    runs (a request still open: not yet)."""
    lines = []
    for request in found.get("intake.helprequest", []):
        status = request.status  # type: ignore[attr-defined]
        reference = request.reference  # type: ignore[attr-defined]
        changed = request.status_changed_at  # type: ignore[attr-defined]
        if status == "closed":
            closed = _closure_day(found, request.pk) or timezone.localdate(changed)
            for category in (
                RetentionCategory.CLOSED_MATCH,
                RetentionCategory.CONTACT_LOG,
            ):
                day = retention.due_on(closed, months[category])
                lines.append(_line(reference, category, day, ""))
        elif status == "withdrawn":
            day = retention.due_on(changed, months[RetentionCategory.ENDED_REQUEST])
            lines.append(_line(reference, RetentionCategory.ENDED_REQUEST, day, ""))
        elif status in ("informed", "referred"):
            category = RetentionCategory.INFORMATION_REQUEST
            lines.append(
                _line(
                    reference, category, retention.due_on(changed, months[category]), ""
                )
            )
        else:
            category = (
                RetentionCategory.CLOSED_MATCH
                if status == "matched"
                else RetentionCategory.ENDED_REQUEST
            )
            lines.append(_line(reference, category, None, _not_yet(category)))
    return lines


def _line(what: str, category: str, day: dt.date | None, note: str) -> dict[str, Any]:
    return {
        "what": what,
        "category": category,
        "category_label": str(RetentionCategory(category).label),
        "due_on": day.isoformat() if day else None,
        "due_on_text": _due_text(day) if day else note,
    }


def _buddy_dates(
    found: dict[str, list[models.Model]], months: dict[str, int]
) -> list[dict[str, Any]]:
    lines = []
    for buddy in found.get("buddies.buddy", []):
        label = audit_label(buddy)
        category = RetentionCategory.STOPPED_BUDDY
        if buddy.status == "stopped":  # type: ignore[attr-defined]
            day = retention.due_on(buddy.status_changed_at, months[category])  # type: ignore[attr-defined]
            lines.append(_line(label, category, day, ""))
        else:
            lines.append(_line(label, category, None, _not_yet(category)))
    for claim in found.get("support.expenseclaim", []):
        category = RetentionCategory.EXPENSES
        start = getattr(claim, "spent_on", None) or getattr(claim, "created_at", None)
        lines.append(
            _line(
                audit_label(claim),
                category,
                retention.due_on(start, months[category]),
                "",
            )
        )
    return lines


def retention_overview(
    person: Person, found: dict[str, list[models.Model]]
) -> dict[str, Any]:
    """How long each category of the person's data is kept, why, and (where the
    period has started) until when."""
    policies = {p.category: p for p in retention.policies_for(person.organisation_id)}
    months = {category: policy.months for category, policy in policies.items()}
    categories = [
        {
            "category": category,
            "label": str(policies[category].label),
            "period": policies[category].period_label,
            "months": policies[category].months,
            "starts": str(policies[category].starts),
            "effect": str(policies[category].effect),
            "reason": str(policies[category].reason),
        }
        for category in CATEGORIES[person.kind]
    ]
    if person.kind == PARENT:
        dates = _request_dates(found, months)
    elif person.kind == BUDDY:
        dates = _buddy_dates(found, months)
    else:
        dates = []
    return {"categories": categories, "dates": dates}


# --- The whole export -----------------------------------------------------------------


def export(person: Person) -> dict[str, Any]:
    """Everything held about the person, JSON-serialisable."""
    organisation = _model("organisations.organisation")._base_manager.get(
        pk=person.organisation_id
    )
    found = collect(person)
    labels = _Labels()
    keys = _subject_keys(person, found)
    organisation_name = str(getattr(organisation, "name", ""))
    return {
        "format": "ouderbuddy-inzage/1",
        "made_at": timezone.now().isoformat(),
        "made_at_text": _when(timezone.now()),
        "organisation": organisation_name,
        "kind": person.kind,
        "subject": person.label,
        "email": person.email,
        "purposes": [
            {"purpose": value, "label": str(label)}
            for value, label in ConsentPurpose.choices
        ],
        "sections": [_section(label, rows, labels) for label, rows in found.items()],
        "consents": consents(person, keys),
        "right_requests": right_requests(person, keys),
        "reads": reads(person, keys),
        "own_actions": own_actions(person),
        "references": references(person),
        "emails": pending_emails(person, organisation_name),
        "retention": retention_overview(person, found),
    }
