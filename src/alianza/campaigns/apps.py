from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "alianza.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alianza.core import demo, schedule
        from alianza.core.navigation import NavItem, register

        from . import permissions  # noqa: F401 — registers the campaigns permissions
        from .demo import demo_campaigns
        from .personal_data import register_contributors
        from .tasks import send_commitment_reminders

        register(NavItem(_("Campaigns"), "campaigns:campaign_list", "campaigns:view", order=20))
        register(NavItem(_("Commitments"), "campaigns:organization_commitments", "campaigns:view", order=21))
        register(NavItem(_("Victories"), "campaigns:victory_list", "campaigns:view", order=22))
        demo.register_step(demo_campaigns)
        register_contributors()  # commitments in a person's data export and erasure
        schedule.register(
            schedule.Periodic(
                "campaigns.commitment_reminders", task=send_commitment_reminders, every=timedelta(hours=1)
            )
        )
