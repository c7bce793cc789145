"""Training: courses, their sessions, who enrols, who attended, and what that qualifies."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.models import TenantModel

# A refresher counts for a year unless the coordinator says otherwise (B.5.5: at least once a year).
REFRESHER_VALID_MONTHS = 12


class CourseKind(models.TextChoices):
    BASIC = "basic", _("Basistraining")
    REFRESHER = "refresher", _("Opfristraining")
    OTHER = "other", _("Overig")


class QualificationKind(models.TextChoices):
    BASIC = "basic", _("Basistraining")
    REFRESHER = "refresher", _("Opfristraining")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Ingeschreven")
    WAITLISTED = "waitlisted", _("Op de wachtlijst")
    CANCELLED = "cancelled", _("Afgemeld")


class ReminderKind(models.TextChoices):
    REFRESHER = "refresher", _("Opfristraining")
    VOG = "vog", _("VOG")


class Course(TenantModel):
    """A training the organisation offers, such as the basic training for new buddies."""

    title = models.CharField(_("naam van de training"), max_length=150)
    kind = models.CharField(_("soort"), max_length=20, choices=CourseKind.choices)
    description = models.TextField(_("beschrijving"), blank=True)
    hours = models.DecimalField(
        _("aantal uren"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(99)],
    )
    valid_months = models.PositiveSmallIntegerField(
        _("geldig (maanden)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Leeg: de training verloopt niet."),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("training")
        verbose_name_plural = _("trainingen")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CourseKind.values), name="course_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0), name="course_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(valid_months__isnull=True) | Q(valid_months__gte=1),
                name="course_valid_months_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Session(TenantModel):
    """One meeting of a course: a date, a place and a number of places."""

    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("training"),
    )
    starts_at = models.DateTimeField(_("begint om"))
    ends_at = models.DateTimeField(_("eindigt om"))
    location = models.CharField(_("plaats"), max_length=200, blank=True)
    online_url = models.URLField(_("link voor online meedoen"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("aantal plaatsen"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    cancelled_at = models.DateTimeField(_("geannuleerd op"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("trainingsbijeenkomst")
        verbose_name_plural = _("trainingsbijeenkomsten")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("De training moet eindigen na het begin."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="session_capacity_positive",
                violation_error_message=_("Er moet minstens één plaats zijn."),
            ),
            models.CheckConstraint(
                condition=~Q(location="") | ~Q(online_url=""),
                name="session_has_place_or_link",
                violation_error_message=_("Vul een plaats of een link in."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "starts_at"], name="session_org_start")
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.course} {local:%d-%m-%Y %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()


class Enrolment(TenantModel):
    """A buddy's place in a session, or on its waiting list."""

    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("bijeenkomst"),
    )
    buddy = models.ForeignKey(
        "buddies.Buddy",
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("buddy"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices
    )
    # When this enrolment was (re)made: the order of the waiting list.
    joined_at = models.DateTimeField(_("aangemeld op"), default=timezone.now)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangemeld door"),
    )
    attended = models.BooleanField(_("aanwezig"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(
        _("herinnering verstuurd op"), null=True, blank=True
    )

    class Meta:
        ordering = ["joined_at", "created_at"]
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "buddy"], name="enrolment_one_per_session"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EnrolmentStatus.values),
                name="enrolment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(attended__isnull=True) | Q(status=EnrolmentStatus.ENROLLED),
                name="enrolment_attendance_only_when_enrolled",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="enrolment_session_status")
        ]

    def __str__(self) -> str:
        return f"{self.buddy} · {self.session}"


class Qualification(TenantModel):
    """Proof that a buddy finished a basic training or a refresher, and until when."""

    buddy = models.ForeignKey(
        "buddies.Buddy",
        on_delete=models.CASCADE,
        related_name="qualifications",
        verbose_name=_("buddy"),
    )
    kind = models.CharField(
        _("soort"), max_length=20, choices=QualificationKind.choices
    )
    obtained_on = models.DateField(_("behaald op"))
    valid_until = models.DateField(_("geldig tot"), null=True, blank=True)
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="qualifications",
        verbose_name=_("bijeenkomst"),
    )
    # The course this qualification is for: the session's course, or for a training
    # followed elsewhere the course of our own that it counts as.
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="qualifications",
        verbose_name=_("training"),
    )
    # Filled in only for a training followed elsewhere or before (no session here).
    provider = models.CharField(_("gevolgd bij"), max_length=200, blank=True)
    note = models.CharField(_("opmerking"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )

    class Meta:
        ordering = ["-obtained_on", "-created_at"]
        verbose_name = _("behaalde training")
        verbose_name_plural = _("behaalde trainingen")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=QualificationKind.values),
                name="qualification_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gt=F("obtained_on")),
                name="qualification_valid_after_obtained",
            ),
            models.UniqueConstraint(
                fields=["buddy", "session"],
                condition=Q(session__isnull=False),
                name="qualification_one_per_session",
            ),
            models.UniqueConstraint(
                fields=["buddy", "course", "obtained_on"],
                condition=Q(session__isnull=True, course__isnull=False),
                name="qualification_elsewhere_once",
                violation_error_message=_(
                    "Deze training staat al met deze datum bij deze buddy."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["buddy", "kind"], name="qualification_buddy_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.obtained_on:%d-%m-%Y}"

    @property
    def followed_elsewhere(self) -> bool:
        """Recorded by hand: followed at another provider or before this system."""
        return self.session_id is None and bool(self.provider)


class ReminderSent(TenantModel):
    """A reminder that went out, so the daily jobs send each one only once."""

    kind = models.CharField(_("soort"), max_length=20, choices=ReminderKind.choices)
    buddy = models.ForeignKey(
        "buddies.Buddy",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("buddy"),
    )
    due_on = models.DateField(_("vervalt op"))

    class Meta:
        verbose_name = _("verstuurde herinnering")
        verbose_name_plural = _("verstuurde herinneringen")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "buddy", "due_on"], name="reminder_once_per_due_date"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values),
                name="reminder_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.buddy} {self.due_on}"
