"""The coordinator's choice of whose data to export: a parent by the reference of a
help request, a buddy, or a staff member of the organisation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.choices import Role
from ouderbuddy.lib.forms import Form, ReadOnceChoices
from ouderbuddy.privacy import access
from ouderbuddy.privacy.services import audit_label

REFERENCE_MAX = 40


def _compact(text: str) -> str:
    """ "hv-s4f5mt", "HV S4F5MT", "s4f5 mt" → "S4F5MT" (as the request list's search)."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    return compact[2:] if compact.startswith("HV") and len(compact) > 2 else compact


class ParentExportForm(Form):
    kind = forms.CharField(widget=forms.HiddenInput, initial=access.PARENT)
    reference = forms.CharField(
        label=_("Kenmerk van de hulpvraag"),
        help_text=_("Het kenmerk begint met HV, bijvoorbeeld HV-K3M9TQ."),
        max_length=REFERENCE_MAX,
    )

    def __init__(self, *args: Any, organisation_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id
        self.subject_id: Any = None

    def clean_reference(self) -> str:
        text = " ".join(self.cleaned_data["reference"].split())
        compact = _compact(text)
        found = (
            apps.get_model("intake", "HelpRequest")
            ._base_manager.filter(
                Q(reference__iexact=text) | Q(reference__iexact=f"HV-{compact}"),
                organisation_id=self.organisation_id,
            )
            .values_list("pk", flat=True)
            .first()
        )
        if found is None:
            raise forms.ValidationError(
                _("Er is in uw steunpunt geen hulpvraag met dit kenmerk.")
            )
        self.subject_id = found
        return text


class _PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    iterator = ReadOnceChoices

    def label_from_instance(self, obj: Any) -> str:
        if hasattr(obj, "role"):  # a membership
            return f"{obj.user.full_name or obj.user.email} ({obj.get_role_display()})"
        return str(obj.full_name or audit_label(obj))


class BuddyExportForm(Form):
    kind = forms.CharField(widget=forms.HiddenInput, initial=access.BUDDY)
    person = _PersonChoiceField(
        queryset=None, label=_("Buddy"), empty_label=_("Kies een buddy")
    )

    def __init__(self, *args: Any, organisation_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            apps.get_model("buddies", "Buddy")
            ._base_manager.filter(organisation_id=organisation_id)
            .only("pk", "full_name")
            .order_by("full_name")
        )


class StaffExportForm(Form):
    kind = forms.CharField(widget=forms.HiddenInput, initial=access.STAFF)
    person = _PersonChoiceField(
        queryset=None, label=_("Medewerker"), empty_label=_("Kies een medewerker")
    )

    def __init__(self, *args: Any, organisation_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            apps.get_model("organisations", "Membership")
            ._base_manager.filter(organisation_id=organisation_id)
            .exclude(role=Role.BUDDY)
            .select_related("user")
            .order_by("user__full_name")
        )


FORMS: dict[str, type[Form]] = {
    access.PARENT: ParentExportForm,
    access.BUDDY: BuddyExportForm,
    access.STAFF: StaffExportForm,
}


def subject_of(form: Form) -> Any:
    """The id of the person a valid form chose."""
    if isinstance(form, ParentExportForm):
        return form.subject_id
    return form.cleaned_data["person"].pk
