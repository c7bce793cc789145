"""The buddy's reads in casework: the summary of a running match and the start
page's active matches."""

from __future__ import annotations

from django.utils import timezone

from ouderbuddy.buddies.sections import start_checklist
from ouderbuddy.casework import selectors_buddy, services
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy


def test_summary_lists_what_is_due_until_it_is_done(cora):
    match = active_match(cora, full_name="Petra de Vries")
    buddy = buddy_membership(match.buddy)
    services.set_agreement(
        actor=cora,
        match=match,
        goals="School",
        frequency="weekly",
        contact_modes=["phone"],
    )
    (summary,) = selectors_buddy.active_summaries(buddy, match.buddy)
    assert summary.parent_first_name == "Petra"
    assert summary.last_contact_on is None
    assert "Werkafspraken lezen" in summary.due
    assert "Vraag: hoe klikt het?" in summary.due

    services.acknowledge_agreement(
        agreement=services.current_agreement(match), side="buddy", actor=buddy
    )
    services.answer_fit(match=match, side="buddy", answer="good", actor=buddy)
    services.log_contact(
        actor=buddy, match=match, on=timezone.localdate(), mode="phone", minutes=10
    )
    (summary,) = selectors_buddy.active_summaries(buddy, match.buddy)
    assert summary.due == []
    assert summary.last_contact_on == timezone.localdate()


def test_active_summaries_are_the_buddys_own(cora):
    mine = active_match(cora, matchable_buddy(cora.organisation, "Anna Een"))
    active_match(cora, matchable_buddy(cora.organisation, "Bram Twee"))
    anna = buddy_membership(mine.buddy)
    assert [s.match.pk for s in selectors_buddy.active_summaries(anna, mine.buddy)] == [
        mine.pk
    ]


def test_start_checklist_without_a_buddy_record(cora, ben):
    assert start_checklist(cora) is None
    bea = matchable_buddy(cora.organisation, "Bea Klaar")
    part = start_checklist(buddy_membership(bea))
    assert part is not None
    assert part.buddy == bea and part.matchable and not part.held


def test_fit_and_logged_meeting_read_with_the_match_and_meeting(
    cora, django_assert_num_queries
):
    import datetime as dt

    match = active_match(cora)
    buddy = buddy_membership(match.buddy)
    meeting = services.plan_meeting(
        actor=buddy,
        match=match,
        starts_at=timezone.now() + dt.timedelta(days=2),
        place="School",
        kind="other",
    )
    found = selectors_buddy.get_own_match_with_fit(buddy, match.pk)
    with django_assert_num_queries(0):
        assert selectors_buddy.fit_due(found) is True
    read = selectors_buddy.get_own_meeting(buddy, meeting.pk)
    with django_assert_num_queries(0):
        assert selectors_buddy.meeting_logged(read) is False
    services.answer_fit(match=match, side="buddy", answer="good", actor=buddy)
    services.log_contact(
        actor=buddy,
        match=match,
        on=timezone.localdate(),
        mode="phone",
        minutes=10,
        meeting=meeting,
    )
    found = selectors_buddy.get_own_match_with_fit(buddy, match.pk)
    assert selectors_buddy.fit_due(found) is False
    assert selectors_buddy.fit_due(match) is False  # asked when not read with it
    assert selectors_buddy.meeting_logged(
        selectors_buddy.get_own_meeting(buddy, meeting.pk)
    )
    assert selectors_buddy.meeting_logged(meeting)


def test_the_meeting_page_reads_the_same_meetings_and_no_more(
    cora, django_assert_num_queries
):
    import datetime as dt

    import pytest
    from django.http import Http404

    mine = active_match(cora, matchable_buddy(cora.organisation, "Anna Een"))
    other = active_match(cora, matchable_buddy(cora.organisation, "Bram Twee"))
    anna, bram = buddy_membership(mine.buddy), buddy_membership(other.buddy)
    meeting = services.plan_meeting(
        actor=anna,
        match=mine,
        starts_at=timezone.now() + dt.timedelta(days=2),
        place="School",
        kind="other",
    )
    with pytest.raises(Http404):
        selectors_buddy.get_own_meeting_page(bram, meeting.pk)
    with pytest.raises(Http404):
        selectors_buddy.get_own_meeting_page(cora, meeting.pk)
    status, name = mine.status, mine.request.full_name
    read = selectors_buddy.get_own_meeting_page(anna, meeting.pk)
    with django_assert_num_queries(0):
        assert read.match.status == status
        assert read.match.request.full_name == name
        assert (read.starts_at, read.place, read.kind) == (
            meeting.starts_at,
            "School",
            "other",
        )
        assert selectors_buddy.meeting_logged(read) is False


def test_the_glance_at_a_match_is_the_buddys_own_only(cora):
    import pytest
    from django.http import Http404

    mine = active_match(cora, matchable_buddy(cora.organisation, "Anna Een"))
    other = active_match(cora, matchable_buddy(cora.organisation, "Bram Twee"))
    anna = buddy_membership(mine.buddy)
    found = selectors_buddy.get_own_match_glance(anna, mine.pk)
    assert (found.pk, found.status) == (mine.pk, mine.status)
    assert found.request.full_name == mine.request.full_name
    for actor, match in ((anna, other), (cora, mine)):
        with pytest.raises(Http404):
            selectors_buddy.get_own_match_glance(actor, match.pk)


def test_the_match_page_reads_its_match_once_and_only_the_buddys_own(
    cora, django_assert_num_queries
):
    import pytest
    from django.http import Http404

    from ouderbuddy.privacy.services import audit_label

    mine = active_match(cora, matchable_buddy(cora.organisation, "Anna Een"))
    other = active_match(cora, matchable_buddy(cora.organisation, "Bram Twee"))
    anna = buddy_membership(mine.buddy)
    found = selectors_buddy.get_own_match_with_fit(anna, mine.pk)
    request = mine.request
    with django_assert_num_queries(0):  # what the page shows, read with the match
        assert (found.pk, found.status) == (mine.pk, mine.status)
        assert found.organisation_id == mine.organisation_id
        shown = found.request
        assert (shown.full_name, shown.email, shown.phone) == (
            request.full_name,
            request.email,
            request.phone,
        )
        assert (
            shown.get_preferred_contact_display()
            == request.get_preferred_contact_display()
        )
        assert audit_label(shown) == audit_label(request)
        assert shown.organisation_id == request.organisation_id
    for actor, match in ((anna, other), (cora, mine)):
        with pytest.raises(Http404):
            selectors_buddy.get_own_match_with_fit(actor, match.pk)


def test_the_match_page_finds_the_buddys_record_inside_the_matchs_query(
    cora, django_assert_num_queries
):
    mine = active_match(cora, matchable_buddy(cora.organisation, "Anna Een"))
    anna = buddy_membership(mine.buddy)
    with django_assert_num_queries(1):
        found = selectors_buddy.get_own_match_with_fit(anna, mine.pk)
    assert found.pk == mine.pk
