from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "alianza.core"
    label = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from . import account_audit, checks, crypto, sessions  # noqa: F401 — checks registers itself

        account_audit.connect()
        sessions.connect()
        _register_menu()
        _register_retention()

        def _clear_keys(setting: str, **kwargs: object) -> None:
            if setting.startswith("ALIANZA_"):
                crypto._key_cache.clear()

        setting_changed.connect(_clear_keys, weak=False)


def _register_retention() -> None:
    from datetime import timedelta

    from . import schedule
    from .retention_rules import register_core_rules
    from .tasks import apply_retention, read_audit_digest

    register_core_rules()
    schedule.register(schedule.Periodic("core.retention", task=apply_retention, every=timedelta(days=1)))
    schedule.register(schedule.Periodic("core.read_audit_digest", task=read_audit_digest, every=timedelta(days=1)))


def _register_menu() -> None:
    from .navigation import NavItem, register

    register(NavItem(_("Home"), "core:organization_home", "organization:view", order=0))
    register(NavItem(_("Team"), "core:member_list", "members:view", order=80))
    register(NavItem(_("Audit trail"), "core:audit_list", "audit:view", order=90))
    register(NavItem(_("Lockdown"), "core:lockdown", "lockdown:manage", order=92))
    register(NavItem(_("Retention"), "core:retention_settings", "retention:manage", order=92))
    register(NavItem(_("API tokens"), "core:api_token_list", "api_tokens:manage", order=93))
    register(NavItem(_("Profile"), "core:organization_edit", "organization:edit", order=95))
    register(
        NavItem(_("Legal requests"), "core:legal_request_list", "legal:manage", order=92, shown_in=lambda o: o.is_hub)
    )
