"""The kennisbank of a demo organisation: the starter set, published by its first
coordinator, and two articles as materials of the basic training (seed_demo)."""

from __future__ import annotations

from ouderbuddy.knowledge import services
from ouderbuddy.knowledge.models import Article
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.training.models import Course

MATERIALS = ("wat-doet-een-buddy", "gesprek-op-school-voorbereiden")


def seed_demo_knowledge(organisation: Organisation) -> int:
    """Publish what is new of the starter set; returns how many articles were made."""
    coordinator = (
        Membership.objects.filter(
            organisation=organisation, role=Role.COORDINATOR, is_active=True
        )
        .order_by("created_at")
        .first()
    )
    if coordinator is None:
        return 0
    made = services.load_starter_articles(actor=coordinator)
    course = (
        Course.objects.filter(organisation=organisation).order_by("created_at").first()
    )
    if made and course is not None:
        services.set_course_materials(
            actor=coordinator,
            course=course,
            article_ids=Article.objects.filter(
                organisation=organisation, slug__in=MATERIALS
            ).values_list("pk", flat=True),
        )
    return len(made)
