from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "alianza.core"
    label = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from . import account_audit, checks, crypto  # noqa: F401 — checks registers itself

        account_audit.connect()

        def _clear_keys(setting: str, **kwargs: object) -> None:
            if setting.startswith("ALIANZA_"):
                crypto._key_cache.clear()

        setting_changed.connect(_clear_keys, weak=False)
