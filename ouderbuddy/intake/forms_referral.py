"""Forms for a professional who refers a parent (school, onderwijsconsulent, jeugdhulp)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ouderbuddy.buddies.forms import PostcodeField
from ouderbuddy.intake.services import QUESTION_MAX
from ouderbuddy.lib.forms import Form


class ReferralFinderForm(Form):
    """The parent's postcode, to find the support point that serves the parent."""

    postcode = PostcodeField(
        label=_("Postcode van de ouder"),
        help_text=_(
            "Bijvoorbeeld 1012 AB. Zo vinden we het steunpunt bij de ouder in de buurt."
        ),
        # The postcode is the parent's, not the professional's own address.
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ReferralForm(Form):
    """Who refers, which parent, and why; the parent confirms later by e-mail."""

    referrer_name = forms.CharField(
        label=_("Uw naam"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    referrer_organisation = forms.CharField(
        label=_("Uw school of organisatie"),
        max_length=150,
        help_text=_("Bijvoorbeeld: Basisschool De Regenboog, of Jeugdteam Noord."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    referrer_role = forms.CharField(
        label=_("Uw functie"),
        max_length=100,
        help_text=_(
            "Bijvoorbeeld: intern begeleider, mentor, onderwijsconsulent of "
            "jeugdhulpverlener."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    referrer_email = forms.EmailField(
        label=_("Uw e-mailadres"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # The browser must not fill in the professional's own details here.
    parent_name = forms.CharField(
        label=_("Naam van de ouder"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    parent_email = forms.EmailField(
        label=_("E-mailadres van de ouder"),
        max_length=254,
        help_text=_(
            "Hier sturen we een link naar. Met die link bevestigt de ouder zelf de "
            "hulpvraag."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Waarom denkt u dat een buddy kan helpen?"),
        max_length=QUESTION_MAX,
        required=False,
        help_text=_(
            "Kort is genoeg; de ouder vertelt zelf de rest. Schrijf geen medische "
            "details en geen namen van anderen. Hoogstens 2000 tekens."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    parent_agreed = forms.BooleanField(
        label=_("De ouder weet hiervan en vindt het goed"),
        error_messages={
            "required": _(
                "Verwijs alleen door als de ouder dat goed vindt. Vraag het de ouder "
                "eerst."
            )
        },
    )
    # A field people never see; robots fill it in.
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))
