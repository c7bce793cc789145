"""The daily job of the knowledge base: remind the coordinators of published
articles nobody reviewed for twelve months, once per review."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy

from ouderbuddy.knowledge.models import Article, ArticleStatus
from ouderbuddy.knowledge.selectors import due_before
from ouderbuddy.notifications import mail
from ouderbuddy.notifications.scheduler import daily_job, local_date
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.privacy.services import record_event


@daily_job("knowledge.review_reminders")
def send_review_reminders(now: dt.datetime) -> int:
    """E-mail each organisation's coordinators one list of the articles due for
    review; an article is on a list once until it is reviewed again."""
    due = (
        Article.objects.filter(
            status=ArticleStatus.PUBLISHED,
            reviewed_on__lte=due_before(local_date(now)),
            organisation__is_active=True,
        )
        .filter(
            Q(review_reminded_for__isnull=True)
            | ~Q(review_reminded_for=F("reviewed_on"))
        )
        .select_related("organisation")
        .order_by("reviewed_on", "title")
    )
    by_organisation: dict[Organisation, list[Article]] = defaultdict(list)
    for article in due:
        by_organisation[article.organisation].append(article)
    sent = 0
    for organisation, candidates in by_organisation.items():
        with transaction.atomic():
            # Claim each article with a conditional update: only one run wins it.
            claimed = [
                article
                for article in candidates
                if Article.objects.filter(
                    pk=article.pk, reviewed_on=article.reviewed_on
                )
                .filter(
                    Q(review_reminded_for__isnull=True)
                    | ~Q(review_reminded_for=F("reviewed_on"))
                )
                .update(review_reminded_for=article.reviewed_on)
            ]
            if not claimed:
                continue
            mail.send_templated(
                to=mail.coordinators(organisation.pk),
                subject=gettext_lazy("Artikelen in de kennisbank om na te kijken"),
                template="knowledge/email/review_due.txt",
                context={
                    "organisation": organisation,
                    "articles": [
                        {
                            "title": a.title,
                            "reviewed_on": a.reviewed_on,
                            "link": mail.absolute_url("knowledge:detail", a.pk),
                        }
                        for a in claimed
                    ],
                    "list_link": f"{mail.absolute_url('knowledge:list')}?status=review",
                },
                organisation=organisation,
            )
            record_event(
                actor=None,
                organisation=organisation,
                verb="knowledge.review_reminder",
                data={"articles": [str(a.pk) for a in claimed]},
            )
            sent += len(claimed)
    return sent
