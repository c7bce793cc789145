from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxonomyConfig(AppConfig):
    name = "ouderbuddy.taxonomy"
    verbose_name = _("Ervaringscodes")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from ouderbuddy.taxonomy.models import ExperienceCode
        from ouderbuddy.taxonomy.selectors import codes_changed

        post_save.connect(
            codes_changed, sender=ExperienceCode, dispatch_uid="ob-codes-1"
        )
        post_delete.connect(
            codes_changed, sender=ExperienceCode, dispatch_uid="ob-codes-2"
        )
        # A flush (between transactional tests) empties the table without signals.
        post_migrate.connect(codes_changed, dispatch_uid="ob-codes-migrate")
