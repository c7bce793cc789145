"""Public reference data: municipalities, SWVs (samenwerkingsverbanden) and PC4 areas."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    PO = "po", _("Primair onderwijs (PO)")
    VO = "vo", _("Voortgezet onderwijs (VO)")


class Municipality(models.Model):
    """A gemeente as CBS lists it (1 January 2023)."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("naam"), max_length=100)
    province_code = models.CharField(_("provinciecode"), max_length=4)
    province = models.CharField(_("provincie"), max_length=50)

    class Meta:
        ordering = ["name"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")

    def __str__(self) -> str:
        return self.name


class CooperationDistrict(models.Model):
    """A samenwerkingsverband passend onderwijs (SWV), PO or VO."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    sector = models.CharField(_("sector"), max_length=2, choices=Sector.choices)
    display_code = models.CharField(_("code voor weergave"), max_length=10)
    name = models.CharField(_("naam"), max_length=200, blank=True)
    province = models.CharField(_("provincie"), max_length=50)
    municipalities = models.ManyToManyField(
        Municipality, related_name="districts", verbose_name=_("gemeenten")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("samenwerkingsverband")
        verbose_name_plural = _("samenwerkingsverbanden")

    def __str__(self) -> str:
        return f"{self.display_code} {self.name}".strip()


class DistrictSource(models.TextChoices):
    REGULATION = "regulation", _("Regeling regio-indeling (2015)")
    NEAREST = "nearest", _("Dichtstbijzijnde postcode in dezelfde gemeente")
    NONE = "none", _("Geen samenwerkingsverband")


class PostcodeArea(models.Model):
    """A four-digit postcode (PC4) with its representative point and its SWVs."""

    pc4 = models.CharField(_("postcode (4 cijfers)"), max_length=4, primary_key=True)
    latitude = models.FloatField(_("breedtegraad"))
    longitude = models.FloatField(_("lengtegraad"))
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="postcodes"
    )
    places = models.CharField(_("plaatsen"), max_length=300, blank=True)
    po_district = models.ForeignKey(
        CooperationDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="po_postcodes",
    )
    vo_district = models.ForeignKey(
        CooperationDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vo_postcodes",
    )
    district_source = models.CharField(
        _("bron van de indeling"), max_length=12, choices=DistrictSource.choices
    )

    class Meta:
        ordering = ["pc4"]
        verbose_name = _("postcodegebied")
        verbose_name_plural = _("postcodegebieden")

    def __str__(self) -> str:
        return self.pc4
