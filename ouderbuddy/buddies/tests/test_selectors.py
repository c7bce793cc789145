"""The reads of the buddy page: scoped like every selector, and no more statements."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from ouderbuddy.buddies import selectors
from ouderbuddy.buddies.tests.factories import apply, screened

pytestmark = pytest.mark.django_db


def test_the_buddy_page_read_is_scoped(cora, olga):
    fatima = apply(cora.organisation)
    assert selectors.get_buddy_page_for(cora, fatima.pk) == fatima
    with pytest.raises(Http404):
        selectors.get_buddy_page_for(olga, fatima.pk)


def test_the_interview_comes_with_the_buddy_page_read(cora):
    fatima = screened(cora, apply(cora.organisation))
    buddy = selectors.get_buddy_page_for(cora, fatima.pk)
    with CaptureQueriesContext(connection) as queries:
        interview = selectors.interview_of(buddy)
    assert interview is not None and interview.outcome == "suitable"
    assert len(queries) == 0
    # Read any other way, the buddy's interview is read on its own.
    assert selectors.interview_of(fatima) == interview


def test_no_interview_is_none_with_or_without_the_page_read(cora):
    fatima = apply(cora.organisation)
    assert selectors.interview_of(selectors.get_buddy_page_for(cora, fatima.pk)) is None
    assert selectors.interview_of(fatima) is None


def test_experience_is_in_group_then_list_order(cora):
    fatima = apply(
        cora.organisation,
        experience_codes=["need.autism", "issue.out_of_school", "route.so_c4"],
    )
    expected = list(fatima.lived_experience.order_by("group", "order"))
    assert len(expected) == 3
    assert selectors.experience_of(fatima) == expected


def test_the_own_buddy_read_with_only_some_columns(ben, olga):
    buddy = apply(ben.organisation, email=ben.user.email)
    buddy.user = ben.user
    buddy.save()
    light = selectors.get_own_buddy(ben, only=("status", "phone"))
    assert light == buddy
    assert light.get_deferred_fields() >= {"motivation", "full_name"}
    with pytest.raises(Http404):
        selectors.get_own_buddy(olga, only=("status",))


def test_the_name_read_is_scoped(cora, olga):
    fatima = apply(cora.organisation)
    named = selectors.get_buddy_name_for(cora, fatima.pk)
    assert named.full_name == fatima.full_name
    assert "motivation" in named.get_deferred_fields()
    with pytest.raises(Http404):
        selectors.get_buddy_name_for(olga, fatima.pk)


@pytest.mark.parametrize("with_interview", [False, True])
def test_the_buddy_page_read_gives_the_orms_instances(cora, with_interview):
    from ouderbuddy.buddies.models import Buddy
    from ouderbuddy.organisations.models import Role

    fatima = apply(cora.organisation)
    if with_interview:
        fatima = screened(cora, fatima)
    orm = (
        Buddy.objects.filter(organisation_id=cora.organisation_id)
        .select_related("postcode__municipality", "interview")
        .get(pk=fatima.pk)
    )
    with CaptureQueriesContext(connection) as queries:
        buddy = selectors.get_buddy_page_for(cora, fatima.pk)
        postcode = buddy.postcode
        interview = selectors.interview_of(buddy)
        municipality = postcode.municipality
    assert len(queries) == 1

    def fields(obj):
        return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}

    assert fields(buddy) == fields(orm)
    assert fields(postcode) == fields(orm.postcode)
    assert fields(municipality) == fields(orm.postcode.municipality)
    if with_interview:
        assert fields(interview) == fields(orm.interview)
        assert interview.buddy is buddy
    else:
        assert interview is None
    assert buddy._state.adding is False and buddy._state.db == "default"
    # Not the coordinator's organisation, or not a coordinator: no buddy.
    cora.role = Role.BUDDY
    with pytest.raises(Http404):
        selectors.get_buddy_page_for(cora, fatima.pk)
