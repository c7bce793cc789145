"""Every page is private unless it is declared public here.

Anonymous visitors of a private page are sent to the login page; a new view that forgets
its access decorator fails this test until it is either protected or added to PUBLIC.
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests.urlwalk import routes

# Pages anyone may open, and why.
PUBLIC = {
    "dashboard:home": "the landing page",
    "accounts:login": "signing in",
    "accounts:accept_invitation": "the link from an invitation e-mail",
    "accounts:password_reset": "asking for a reset link",
    "accounts:password_reset_done": "'check your e-mail'",
    "accounts:password_reset_confirm": "the link from a reset e-mail",
    "accounts:password_reset_complete": "'your password is saved'",
    "set_language": "the language switch",
    "accounts:logout": "signing out (POST only; harmless when signed out)",
    "buddies:apply_start": "finding the support point to apply as buddy",
    "buddies:apply": "the public application form of a support point",
    "buddies:apply_done": "'thank you for applying'",
    "intake:start": "a parent's help request, first step",
    "intake:step": "the next steps of the parent's form",
    "intake:done": "'we received your request'",
    "intake:new_link": "asking for a new status link by e-mail",
    "intake:status": "the parent's status page behind a signed link",
    "intake:status_withdraw": "the parent withdraws (signed link)",
    "intake:status_consent": "the parent withdraws a consent (signed link)",
    "intake:status_renew": "the parent agrees to a changed consent text (signed link)",
    "intake:referral_start": "a professional refers a parent",
    "intake:referral": "the referral form of a support point",
    "intake:referral_done": "'the parent gets an e-mail'",
    "intake:referral_confirm": "the parent confirms a referral (signed link)",
    "matching:parent_answer": "the parent answers the proposed buddy (signed link)",
    "casework:parent_agreement": "the parent confirms the agreements (signed link)",
    "casework:parent_fit": "the parent answers 'does it click?' (signed link)",
    "casework:calendar_feed": "a buddy's iCal feed for a calendar app (secret link)",
    "evaluation:answer": "a questionnaire's start page behind a signed link",
    "evaluation:page": "one page of a questionnaire (signed link)",
    "evaluation:done": "'thank you' after a questionnaire (signed link)",
    "evaluation:decline": "saying no to a questionnaire (signed link)",
    "evaluation:saved": "'your answers are kept' (signed link)",
    "evaluation:declined": "'you are not taking part' (signed link)",
    "knowledge:public_list": "a support point's information for parents (informing)",
    "knowledge:public_article": "one published article for parents of a support point",
    "privacy:statements": "the privacy statement before a support point is known",
    "privacy:statement": "a support point's privacy statement (AVG art. 13/14)",
    "privacy:status_request": "the parent asks for their data (signed status link)",
    "privacy:download": "the parent's data behind the e-mailed link (secret token)",
}


def _is_login_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(
        reverse("accounts:login")
    )


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login_on_every_private_page():
    failures = []
    checked = 0
    for route in routes():
        if route.name in PUBLIC:
            continue
        url = route.build(str(uuid.uuid4()))
        for method in ("get", "post"):
            response = getattr(Client(), method)(url)
            checked += 1
            if route.name.startswith("admin:"):
                # The admin's own redirect lands on its login, which sends on to ours.
                final = getattr(Client(), method)(url, follow=True)
                ok = any(
                    hop.startswith(reverse("accounts:login"))
                    for hop, _ in final.redirect_chain
                )
            else:
                ok = _is_login_redirect(response) or response.status_code in {404, 405}
            if not ok:
                failures.append(
                    f"{method.upper()} {url} ({route.name}) -> {response.status_code}"
                )
    assert checked > 20
    assert not failures, "Private pages open to anonymous visitors:\n" + "\n".join(
        failures
    )


@pytest.mark.django_db
def test_public_pages_answer_without_an_account():
    for name in ("dashboard:home", "accounts:login", "accounts:password_reset"):
        assert Client().get(reverse(name)).status_code == 200


def test_public_list_names_only_existing_routes():
    names = {route.name for route in routes()}
    assert set(PUBLIC) <= names, set(PUBLIC) - names
