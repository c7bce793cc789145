"""Control characters are refused in one place: at the field for every project form
(lib.forms), with the Dutch 400 page for what no form sees (lib.control_characters).

A NUL byte was a 500 on PostgreSQL (it cannot hold one) where SQLite accepted it; these
tests run in both passes of `make test`, and failed on PostgreSQL before the fix."""

from __future__ import annotations

import pytest
from django import forms
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from ouderbuddy.buddies.models import Buddy
from ouderbuddy.buddies.tests.test_application import form_data as application
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.intake.tests.test_public import STEP_DATA, fill, step_url
from ouderbuddy.lib.control_characters import has_control_characters
from ouderbuddy.lib.forms import Form

pytestmark = pytest.mark.django_db  # the rate limits live in the database cache

BAD = ["\x00", "\x01", "\x08", "\x1b", "\x7f", "\x85", "\x9f"]


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def served(cora):
    """Steunpunt Noord serves postcode 1012, the parent's in STEP_DATA."""
    cora.organisation.districts.set(["PO2707", "VO2708"])
    return cora.organisation


# --- The check itself --------------------------------------------------------------


@pytest.mark.parametrize("char", BAD)
def test_every_control_character_is_found(char):
    assert has_control_characters(f"a{char}b")
    assert has_control_characters(f"a{char}b", multiline=True)
    assert has_control_characters(["ok", f"{char}"])


def test_tab_and_line_breaks_only_in_multiline_text():
    for char in "\t\n\r":
        assert has_control_characters(f"a{char}b")
        assert not has_control_characters(f"a{char}b", multiline=True)
    assert not has_control_characters("Zoë’s “vraag” — één ✓ 𝄞")
    assert not has_control_characters(None)


class ExampleForm(Form):
    name = forms.CharField(required=False)
    text = forms.CharField(widget=forms.Textarea, required=False)
    choice = forms.ChoiceField(choices=[("a", "A")], required=False)
    many = forms.MultipleChoiceField(choices=[("x", "X")], required=False)
    number = forms.IntegerField(required=False)


@pytest.mark.parametrize("char", BAD)
@pytest.mark.parametrize("field", ["name", "text", "choice", "many", "number"])
def test_each_kind_of_field_refuses_them_with_a_dutch_error(field, char):
    value = [f"x{char}y"] if field == "many" else f"a{char}b"
    form = ExampleForm(data={field: value})
    assert not form.is_valid()
    assert list(form.errors) == [field]
    message = form.errors[field][0]
    assert "teken dat niet mag" in message or "Kies een van de mogelijkheden" in message


def test_a_multiline_text_keeps_its_tabs_and_line_breaks():
    form = ExampleForm(data={"text": "Regel 1\r\n\tRegel 2", "name": " Sanne \n"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["text"] == "Regel 1\r\n\tRegel 2"
    assert form.cleaned_data["name"] == "Sanne"  # what the field strips is fine


def test_a_tab_inside_a_one_line_field_is_refused():
    form = ExampleForm(data={"name": "Sanne\tJansen"})
    assert not form.is_valid()
    assert "tab" in form.errors["name"][0]


# --- The public forms: the experience codes -----------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b"])
def test_buddy_application_codes(cora, char):
    url = reverse("buddies:apply", args=[cora.organisation.pk])
    response = Client().post(url, application(route_codes=[f"route.so_c4{char}"]))
    assert response.status_code == 400
    assert not Buddy.objects.exists()


@pytest.mark.parametrize(
    ("step", "field"),
    [("kind", "route_codes"), ("situatie", "issue_codes"), ("situatie", "need_codes")],
)
@pytest.mark.parametrize("char", ["\x00", "\x02"])
def test_parent_form_codes(served, client, step, field, char):
    fill(client, until=step)
    data = {**STEP_DATA[step], field: [f"{STEP_DATA[step].get(field, ['x'])[0]}{char}"]}
    response = client.post(step_url(step), data)
    assert response.status_code == 400
    if char != "\x00":  # NUL is stopped before the form: the 400 page
        assert "teken dat niet mag" in response.content.decode() or (
            "Kies een van de mogelijkheden" in response.content.decode()
        )
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize("char", ["\x00", "\x03"])
def test_coordinators_code_correction(cora, char):
    help_request = submit(cora.organisation)
    before = set(help_request.codes.values_list("code", flat=True))
    client = signed_in_client(cora.user)
    response = client.post(
        reverse("intake:codes", args=[help_request.pk]),
        {
            "codes-route_codes": [f"route.sbo{char}"],
            "codes-need_codes": ["need.anxiety"],
        },
    )
    assert response.status_code == 400
    assert set(help_request.codes.values_list("code", flat=True)) == before


@pytest.mark.parametrize("char", ["\x00", "\x1f"])
def test_free_text_with_a_control_character_is_an_error_at_the_field(
    served, client, char
):
    fill(client, until="contact")
    data = {**STEP_DATA["contact"], "full_name": f"Sanne{char}Jansen"}
    response = client.post(step_url("contact"), data)
    assert response.status_code == 400


# --- What no form sees: query strings, the path, cookies ----------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"q": "Fat\x00ima"},
        {"q": "Fatima\x1b"},
        {"status": "\x00"},
        {"pagina": "1\x00"},
        {"\x00": "1"},
    ],
)
def test_a_query_string_with_a_control_character_is_a_400(cora, query):
    client = signed_in_client(cora.user)
    for name in ("buddies:pipeline", "intake:inbox", "matching:overview"):
        response = client.get(reverse(name), query)
        assert response.status_code == 400, name
        assert "Dit verzoek kunnen we niet verwerken" in response.content.decode()


def test_a_path_with_a_control_character_is_a_400_or_404(noord):
    client = Client()
    for path in ("/hulpvraag/status/abc%00def/", "/hulpvraag/stap/kind%00/"):
        assert client.get(path).status_code in (400, 404)


def test_a_cookie_with_a_control_character_is_ignored(cora):
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get(reverse("intake:start")).status_code == 200
    client.cookies["sessionid"] = "abcdefgh\x01ijkl"
    assert client.get(reverse("intake:start")).status_code == 200


def test_a_nul_in_any_post_is_the_400_page(cora):
    client = signed_in_client(cora.user)
    help_request = submit(cora.organisation)
    response = client.post(
        reverse("intake:note", args=[help_request.pk]), {"note-note": "Gebeld\x00"}
    )
    assert response.status_code == 400
    help_request.refresh_from_db()
    assert "Gebeld" not in (help_request.intake_note or "")
