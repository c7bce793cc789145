"""Abstract bases every domain model builds on."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from ouderbuddy.lib.history import History


# The labels of a field's choices per language, as text: `get_FOO_display` reads them
# here instead of translating every label of the field on every call (Django builds a
# dict of all the choices each time, and hashing a lazy label translates it).
_DISPLAY_LABELS: dict[tuple[int, str], dict[Any, str]] = {}
_MISSING = object()


def quick_display(self: models.Model, field: models.Field[Any, Any]) -> Any:
    """Django's `Model._get_FIELD_display` (behind every `get_FOO_display`), with the
    field's labels in the active language made once per process."""
    key = (id(field), translation.get_language() or "")
    labels = _DISPLAY_LABELS.get(key)
    if labels is None:
        labels = {make_hashable(v): str(label) for v, label in field.flatchoices}
        _DISPLAY_LABELS[key] = labels
    value = getattr(self, field.attname)
    found = labels.get(make_hashable(value), _MISSING)
    if found is _MISSING:
        return force_str(value, strings_only=True)
    return found


class UUIDModel(models.Model):
    """A row with a random UUID as its key, so URLs never carry a counting number."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        abstract = True

    _get_FIELD_display = quick_display


class TenantModel(UUIDModel):
    """A domain row that belongs to one organisation (OJS); every query filters on it."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisatie"),
    )

    class Meta:
        abstract = True


class CodedHistoryRow(models.Model):
    """A history row stored as a code with parameters (`lib.history`), worded when
    read, so it reads in the reader's language whatever language the writer had on.

    A subclass names its texts (`history()`, a `History`) and the column that keeps
    the Dutch text (`TEXT_FIELD`: the fallback, and what the admin and old rows
    show). A writer may still pass the text it used to store: `save` recognises it
    (in Dutch or English) and keeps the code."""

    TEXT_FIELD: ClassVar[str] = "description"

    code = models.CharField(_("soort"), max_length=40, blank=True)
    params = models.JSONField(_("gegevens"), default=dict, blank=True)

    class Meta:
        abstract = True

    _get_FIELD_display = quick_display

    def save(self, *args: Any, **kwargs: Any) -> None:
        texts = self.history()
        stored = getattr(self, self.TEXT_FIELD) or ""
        if not self.code:
            found = texts.recognise(stored)
            if found:
                self.code, self.params = found
        if self.code:
            with translation.override("nl"):
                setattr(
                    self,
                    self.TEXT_FIELD,
                    texts.word(self.code, self.params, stored)[:300],
                )
        super().save(*args, **kwargs)

    @classmethod
    def history(cls) -> History:
        raise NotImplementedError

    @property
    def text(self) -> str:
        """What happened, in the active language."""
        return self.history().word(
            self.code, self.params, getattr(self, self.TEXT_FIELD) or ""
        )
