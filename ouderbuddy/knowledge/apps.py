from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "ouderbuddy.knowledge"
    verbose_name = _("Kennisbank")

    def ready(self) -> None:
        # Registers the daily review reminder with the scheduler; a course's page
        # asks knowledge for its materials.
        from ouderbuddy.knowledge import (
            jobs,  # noqa: F401
            selectors,
        )
        from ouderbuddy.training.hooks import buddy_course_materials, course_materials

        course_materials.connect(selectors.course_material_links)
        buddy_course_materials.connect(selectors.buddy_material_links)
