from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "ouderbuddy.evaluation"
    verbose_name = _("Evaluatie")

    def ready(self) -> None:
        from ouderbuddy.casework.hooks import closure_questionnaires
        from ouderbuddy.evaluation import (
            jobs,  # noqa: F401 - registers the daily jobs
            services,
        )
        from ouderbuddy.intake.hooks import consent_withdrawn
        from ouderbuddy.matching.hooks import match_started

        # T0 when a match starts, T1 at closure (its links go into the closure
        # e-mail), the parent's answers out of the figures when the research
        # consent is withdrawn.
        match_started.connect(services.start_match)
        closure_questionnaires.connect(services.closure_questionnaires)
        consent_withdrawn.connect(services.research_consent_withdrawn)
