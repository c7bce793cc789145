"""People who sign in, and the invitations that bring them in."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.models import TenantModel
from ouderbuddy.organisations.models import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address. `is_staff` marks a platform admin."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mailadres"), max_length=254, unique=True)
    full_name = models.CharField(_("naam"), max_length=150)
    is_active = models.BooleanField(_("actief"), default=True)
    is_staff = models.BooleanField(
        _("platformbeheerder"),
        default=False,
        help_text=_("Mag in het beheerscherm van het platform (nooit in dossiers)."),
    )
    date_joined = models.DateTimeField(_("lid sinds"), default=timezone.now)
    # The language of the pages after sign-in and of every e-mail to this person; set by
    # the language switch and when an invitation is accepted.
    language = models.CharField(
        _("taal"), max_length=5, choices=settings.LANGUAGES, default="nl"
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_case_insensitive"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Invitation(TenantModel):
    """An e-mailed link that lets someone set a password and join an organisation."""

    email = models.EmailField(_("e-mailadres"))
    full_name = models.CharField(_("naam"), max_length=150)
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    # Only a hash is stored: a database leak does not leak usable links.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("geldig tot"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uitgenodigd door"),
    )
    accepted_at = models.DateTimeField(_("geaccepteerd op"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def status_label(self) -> str:
        if self.accepted_at:
            return str(_("Geaccepteerd"))
        if self.revoked_at:
            return str(_("Ingetrokken"))
        if self.expires_at <= timezone.now():
            return str(_("Verlopen"))
        return str(_("Open"))
