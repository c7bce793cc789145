"""Choice lists that buddies, help requests and matching share."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SpokenLanguage(models.TextChoices):
    DUTCH = "nl", _("Nederlands")
    ENGLISH = "en", _("Engels")
    ARABIC = "ar", _("Arabisch")
    TURKISH = "tr", _("Turks")
    TAMAZIGHT = "ber", _("Tamazight (Berbers)")
    POLISH = "pl", _("Pools")
    UKRAINIAN = "uk", _("Oekraïens")
    RUSSIAN = "ru", _("Russisch")
    SOMALI = "so", _("Somalisch")
    TIGRINYA = "ti", _("Tigrinya")
    PAPIAMENTO = "pap", _("Papiaments")
    SRANAN = "srn", _("Sranantongo")
    FRENCH = "fr", _("Frans")
    GERMAN = "de", _("Duits")
    SPANISH = "es", _("Spaans")
    PORTUGUESE = "pt", _("Portugees")
    PERSIAN = "fa", _("Perzisch (Farsi)")
    DARI = "prs", _("Dari")
    KURDISH = "ku", _("Koerdisch")
    CHINESE = "zh", _("Chinees")
    SIGN_LANGUAGE = "ngt", _("Nederlandse Gebarentaal")


class ContactMode(models.TextChoices):
    PHONE = "phone", _("Telefoon")
    VIDEO = "video", _("Videobellen")
    IN_PERSON = "in_person", _("Afspreken")
    SCHOOL_MEETING = "school_meeting", _("Mee naar gesprekken op school")
    MESSAGES = "messages", _("Berichten (app of e-mail)")


class Gender(models.TextChoices):
    FEMALE = "female", _("Vrouw")
    MALE = "male", _("Man")
    OTHER = "other", _("Anders")
    UNSAID = "unsaid", _("Zeg ik liever niet")


class Role(models.TextChoices):
    """A person's role in one organisation (organisations.Membership)."""

    COORDINATOR = "coordinator", _("Coördinator")
    BUDDY = "buddy", _("Ouderbuddy")
    MANAGER = "manager", _("Manager")
    NETWORK_ADMIN = "network_admin", _("Netwerkbeheerder")
