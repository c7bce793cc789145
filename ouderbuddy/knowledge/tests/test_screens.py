"""Where other apps' screens show the knowledge base: the buddy's match page
suggests articles for the request's codes (only with the parent's consent to share
them), the parent's status page links the public pages, a course lists its
materials."""

from __future__ import annotations

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from conftest import signed_in_client
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.intake import services as intake
from ouderbuddy.intake.services import status_token
from ouderbuddy.knowledge import services
from ouderbuddy.knowledge.models import Audience
from ouderbuddy.knowledge.tests.factories import article
from ouderbuddy.matching.tests.factories import matchable_buddy
from ouderbuddy.privacy.models import ConsentPurpose
from ouderbuddy.training.tests.factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def match(cora):
    # The request's codes: route.po_regular, issue.out_of_school, need.anxiety.
    return active_match(cora, matchable_buddy(cora.organisation, "Anna Een"))


@pytest.fixture
def articles(cora):
    return {
        "home": article(
            cora, "Als een kind thuiszit", "Uitleg.", codes=["issue.out_of_school"]
        ),
        "anxiety": article(
            cora,
            "Angst en school",
            "Uitleg.",
            codes=["need.anxiety", "issue.out_of_school"],
            audience=Audience.BUDDIES,
        ),
        "other": article(cora, "Over de TLV", "Uitleg.", codes=["issue.tlv"]),
        "parents": article(
            cora,
            "Voor ouders: thuiszitten",
            "Uitleg.",
            codes=["issue.out_of_school"],
            audience=Audience.PARENTS,
        ),
        "draft": article(
            cora,
            "Concept thuiszitten",
            "x",
            codes=["issue.out_of_school"],
            publish=False,
        ),
    }


def _match_page(match):
    client = signed_in_client(match.buddy.user, verified=False)
    response = client.get(reverse("casework:buddy_match", args=[match.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_match_page_suggests_articles_for_the_requests_codes(match, articles):
    page = _match_page(match)
    assert "Uit de kennisbank" in page
    assert page.index("Angst en school") < page.index("Als een kind thuiszit")
    assert reverse("knowledge:read", args=[articles["anxiety"].pk]) in page
    for key in ("other", "parents", "draft"):
        assert articles[key].title not in page


def test_without_consent_to_share_nothing_is_suggested(match, articles):
    with TestCase.captureOnCommitCallbacks(execute=True):
        intake.withdraw_consent(
            request=match.request, purpose=ConsentPurpose.SHARE_WITH_BUDDY
        )
    page = _match_page(match)
    assert "Uit de kennisbank" not in page
    assert "Angst en school" not in page
    assert reverse("knowledge:index") in page  # the kennisbank itself stays linked


def test_the_status_page_links_the_public_pages(match):
    url = reverse("intake:status", args=[status_token(match.request)])
    page = Client().get(url).content.decode()
    public = reverse("knowledge:public_list", args=[match.organisation_id])
    assert f'href="{public}"' in page


def test_a_course_lists_its_materials_for_the_coordinator(cora, cora_client):
    course = make_course(cora.organisation)
    draft = article(cora, "Concept voor de training", "x", publish=False)
    services.set_course_materials(actor=cora, course=course, article_ids=[draft.pk])
    page = cora_client.get(reverse("training:course_detail", args=[course.pk]))
    body = page.content.decode()
    assert "Concept voor de training" in body
    assert reverse("knowledge:detail", args=[draft.pk]) in body
    assert reverse("knowledge:course_materials", args=[course.pk]) in body


def test_a_buddy_gets_only_the_published_materials_for_buddies(cora):
    from ouderbuddy.knowledge.selectors import course_material_links

    course = make_course(cora.organisation)
    shown = article(cora, "Voor buddy's", "x", audience=Audience.BUDDIES)
    hidden = [
        article(cora, "Voor ouders", "x", audience=Audience.PARENTS),
        article(cora, "Nog een concept", "x", publish=False),
    ]
    services.set_course_materials(
        actor=cora, course=course, article_ids=[shown.pk, *(a.pk for a in hidden)]
    )
    links = course_material_links(course, for_buddy=True)
    assert links == [
        {
            "title": "Voor buddy's",
            "url": reverse("knowledge:read", args=[shown.pk]),
            "status": "Gepubliceerd",
        }
    ]
    assert len(course_material_links(course, for_buddy=False)) == 3


def test_my_trainings_lists_the_materials_of_the_buddys_own_courses(cora, ben):
    import datetime as dt

    from django.utils import timezone

    from ouderbuddy.training import services as training
    from ouderbuddy.training.tests.factories import make_own_buddy, make_session

    mine = make_course(cora.organisation, title="Basistraining")
    other = make_course(cora.organisation, title="Een andere training")
    starts = timezone.now() + dt.timedelta(days=10)
    session = make_session(mine, starts, capacity=4)
    make_session(other, starts, capacity=4)
    shown = article(cora, "Het OPP in het kort", "x", audience=Audience.BUDDIES)
    for_parents = article(cora, "Voor ouders", "x", audience=Audience.PARENTS)
    draft = article(cora, "Nog een concept", "x", publish=False)
    elsewhere = article(cora, "Bij de andere training", "x")
    services.set_course_materials(
        actor=cora, course=mine, article_ids=[shown.pk, for_parents.pk, draft.pk]
    )
    services.set_course_materials(actor=cora, course=other, article_ids=[elsewhere.pk])
    training.enrol_buddy(actor=ben, session=session, buddy=make_own_buddy(ben))

    page = signed_in_client(ben.user, verified=False).get(
        reverse("training:my_trainings")
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert f'href="{reverse("knowledge:read", args=[shown.pk])}"' in body
    for hidden in (for_parents, draft, elsewhere):
        assert hidden.title not in body
