from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = _("Barcamp")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # they import the models, which can only be imported once the app registry is ready
        from sessions_app import guards, second_factor

        pre_migrate.connect(guards.drop_before_migrate, sender=self)
        post_migrate.connect(guards.restore_after_migrate, sender=self)
        second_factor.connect_signals()
