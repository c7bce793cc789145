"""The team page's member rows, drawn in Python: each value escaped, the right form
and button per member, one's own row without a form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import invite_and_accept, signed_in_client
from ouderbuddy.organisations import services
from ouderbuddy.organisations.models import Role

pytestmark = pytest.mark.django_db


def test_the_rows_show_each_member_with_the_right_action(cora):
    odd = invite_and_accept(cora, "odd@noord.test", "Ann <b>& Co</b>", Role.BUDDY)
    gone = invite_and_accept(cora, "gone@noord.test", "Gert Gestopt", Role.MANAGER)
    services.deactivate_membership(actor=cora, membership=gone)
    page = signed_in_client(cora.user).get(reverse("organisations:team"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Ann &lt;b&gt;&amp; Co&lt;/b&gt;" in body and "<b>& Co" not in body
    stop = reverse("organisations:deactivate_membership", args=[odd.pk])
    back = reverse("organisations:reactivate_membership", args=[gone.pk])
    assert f'action="{stop}"' in body
    assert "Toegang van Ann &lt;b&gt;&amp; Co&lt;/b&gt; stoppen" in body
    assert f'action="{back}"' in body and "<span>Gestopt</span>" in body
    assert "Gert Gestopt weer toegang geven" in body
    # One's own row: no form, and every form carries the CSRF field.
    assert "Dat bent u" in body
    own = reverse("organisations:deactivate_membership", args=[cora.pk])
    assert own not in body
    assert body.count('name="csrfmiddlewaretoken"') >= 3
    assert 'data-label="E-mailadres"' in body and "odd@noord.test" in body
