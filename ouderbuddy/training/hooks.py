"""Points where training asks higher apps (`lib.hooks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ouderbuddy.lib.hooks import Answer

if TYPE_CHECKING:
    from ouderbuddy.training.models import Course


def _course_materials(course: Course, *, for_buddy: bool) -> list[dict[str, Any]]:
    """The articles a course uses as materials, each as {"title", "url"} (for a
    buddy only the published ones for buddies); knowledge answers."""
    raise NotImplementedError


course_materials = Answer.like(_course_materials, "training.course_materials")


def _buddy_course_materials(
    organisation_id: Any, course_ids: list[Any]
) -> dict[Any, list[dict[str, Any]]]:
    """For the buddy's own trainings: per course the published articles for buddies
    it uses as materials, each as {"title", "url"}, in one read; knowledge answers."""
    raise NotImplementedError


buddy_course_materials = Answer.like(
    _buddy_course_materials, "training.buddy_course_materials"
)
