"""The forms of the knowledge base: an article (text, audience, codes, keywords),
the search box, and a course's materials."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouderbuddy.knowledge.models import Article, Audience
from ouderbuddy.knowledge.services import BODY_MAX
from ouderbuddy.lib.forms import Form
from ouderbuddy.taxonomy.forms import ExperienceCodeField

CODE_FIELDS = {
    "route_codes": ("route", "transition"),
    "issue_codes": ("issue",),
    "need_codes": ("need",),
    "context_codes": ("context",),
}


class ArticleForm(Form):
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        error_messages={
            "required": _("Geef het artikel een titel."),
            "max_length": _("Schrijf hoogstens 200 tekens."),
        },
    )
    summary = forms.CharField(
        label=_("Samenvatting"),
        help_text=_("Eén of twee zinnen. Die staan in de lijst en bij zoeken."),
        max_length=300,
        required=False,
        error_messages={"max_length": _("Schrijf hoogstens 300 tekens.")},
    )
    audience = forms.ChoiceField(
        label=_("Voor wie is het artikel?"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Artikelen voor ouders staan na publiceren op de openbare pagina's van "
            "het steunpunt."
        ),
        error_messages={
            "required": _("Kies voor wie het artikel is."),
            "invalid_choice": _("Kies voor wie het artikel is."),
        },
    )
    body_markdown = forms.CharField(
        label=_("Tekst"),
        help_text=_(
            "In Markdown: ## voor een kopje, - voor een opsomming, **vet**, "
            "[tekst](https://…) voor een link. HTML wordt weggehaald."
        ),
        widget=forms.Textarea(attrs={"rows": 18}),
        max_length=BODY_MAX,
        strip=False,
        error_messages={
            "required": _("Schrijf de tekst van het artikel."),
            "max_length": _("Schrijf hoogstens %(limit_value)d tekens."),
        },
    )
    keywords = forms.CharField(
        label=_("Zoekwoorden"),
        help_text=_(
            "Andere woorden en afkortingen waarop mensen zoeken, met komma's "
            "ertussen: tlv, toelaatbaarheidsverklaring."
        ),
        max_length=300,
        required=False,
        error_messages={"max_length": _("Schrijf hoogstens 300 tekens.")},
    )
    slug = forms.CharField(
        label=_("Korte naam in het webadres"),
        help_text=_(
            "Leeg laten maakt er een van de titel. Kleine letters, cijfers en "
            "streepjes."
        ),
        max_length=120,
        required=False,
        error_messages={"max_length": _("Schrijf hoogstens 120 tekens.")},
    )
    route_codes = ExperienceCodeField(
        groups=CODE_FIELDS["route_codes"],
        required=False,
        label=_("School en overstap"),
    )
    issue_codes = ExperienceCodeField(
        groups=CODE_FIELDS["issue_codes"],
        required=False,
        label=_("Procedure of probleem met school"),
    )
    need_codes = ExperienceCodeField(
        groups=CODE_FIELDS["need_codes"],
        required=False,
        label=_("Ondersteuningsbehoefte van het kind"),
    )
    context_codes = ExperienceCodeField(
        groups=CODE_FIELDS["context_codes"],
        required=False,
        label=_("Gezinssituatie"),
    )

    # A service's field name → the form field that shows its error.
    SERVICE_FIELDS = {"codes": "issue_codes"}

    @staticmethod
    def initial_for(
        article: Article, codes: Iterable[tuple[str, str]]
    ) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": article.title,
            "summary": article.summary,
            "audience": article.audience,
            "body_markdown": article.body_markdown,
            "keywords": article.keywords,
            "slug": article.slug,
        }
        for name, groups in CODE_FIELDS.items():
            initial[name] = [code for code, group in codes if group in groups]
        return initial

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "audience": data["audience"],
            "body_markdown": data["body_markdown"],
            "keywords": data["keywords"],
            "slug": data["slug"],
            "codes": [code for name in CODE_FIELDS for code in data[name]],
        }


class SearchForm(Form):
    q = forms.CharField(
        label=_("Zoeken in de kennisbank"),
        help_text=_("Bijvoorbeeld: thuiszitten, TLV of ontwikkelingsperspectief."),
        required=False,
        # Longer text is cut by the search itself (engine.MAX_QUERY_CHARACTERS);
        # the field takes it, so a long paste gets an answer, not an error.
        max_length=2000,
        error_messages={"max_length": _("Typ een kortere zoekvraag.")},
    )

    def query(self) -> str:
        return str(self.cleaned_data.get("q") or "") if self.is_valid() else ""


class MaterialsForm(Form):
    articles = forms.MultipleChoiceField(
        label=_("Artikelen uit de kennisbank"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Kies artikelen uit de lijst.")},
    )

    def __init__(self, *args: Any, articles: Sequence[Article], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["articles"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (
                str(a.pk),
                a.title
                if a.is_published
                else f"{a.title} ({a.get_status_display().lower()})",
            )
            for a in articles
        ]
