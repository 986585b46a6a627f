"""Campaigns: what a coalition fights for, with whom, against or toward whom; the goals it
measures, its milestones, its victories, and the commitments organizations and people make to it.

A campaign belongs to its **lead organization** (the tenant: every row here carries the lead's
``organization``). Partner organizations of the network see it read-only (``access.py``);
allies outside the network are a name and a link (``Ally``), with no account.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from i18nfield.fields import I18nCharField, I18nTextField

from alianza.core.models import Organization
from alianza.people.models import Person

# Links staff paste in (evidence, allies' sites) open from public pages: web addresses only.
validate_web_url = URLValidator(schemes=["http", "https"], message=_("Enter a web address starting with https://"))


def validate_single_line(value: str) -> None:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationError(_("Use one line, without line breaks."))


def validate_targets(value: Any) -> None:
    if not isinstance(value, list) or any(
        not isinstance(v, str) or not v.strip() or len(v) > 200 or any(ord(ch) < 32 for ch in v) for v in value
    ):
        raise ValidationError(_("Enter one target per line, each up to 200 characters."))


class IssueArea(models.Model):
    """A tag of the coalition's shared vocabulary (housing, policing, labor …). Not any one
    organization's data: every campaign of the installation picks from the same list, so the
    coalition can see its campaigns and victories by issue."""

    name = models.CharField(_("name"), max_length=60, validators=[validate_single_line])
    key = models.CharField(max_length=60, unique=True, editable=False)  # the name, case-folded

    class Meta:
        ordering = ["name"]
        verbose_name = _("issue area")
        verbose_name_plural = _("issue areas")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.key = self.name.strip().casefold()
        super().save(*args, **kwargs)


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def public(self) -> CampaignQuerySet:
        """Campaigns anyone may see: marked public, and led by an active organization."""
        return self.filter(is_public=True, organization__status=Organization.Status.ACTIVE)


class Campaign(models.Model):
    class Level(models.TextChoices):
        LOCAL = "local", _("Local")
        COUNTY = "county", _("County")
        STATE = "state", _("State")
        FEDERAL = "federal", _("Federal")

    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        WON = "won", _("Won")
        ENDED = "ended", _("Ended")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="campaigns_led")
    slug = models.SlugField(
        _("web address"), max_length=80, unique=True, help_text=_("The end of the public page's address.")
    )
    title = I18nCharField(_("title"), max_length=200)
    summary = I18nTextField(_("summary"), blank=True)
    story = I18nTextField(_("story"), blank=True)
    issue_areas = models.ManyToManyField(IssueArea, blank=True, related_name="campaigns", verbose_name=_("issue areas"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.LOCAL)
    partners: models.ManyToManyField[Organization, Any] = models.ManyToManyField(
        Organization, blank=True, related_name="campaigns_partnered", verbose_name=_("partner organizations")
    )
    targets = models.JSONField(_("targets"), default=list, blank=True, validators=[validate_targets])
    starts_on = models.DateField(_("starts"), default=timezone.localdate)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNING)
    is_public = models.BooleanField(_("public"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization", _manager_class=models.Manager.from_queryset(CampaignQuerySet))

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign_detail", kwargs={"org": self.organization.slug, "campaign_id": self.pk})

    def get_public_url(self) -> str:
        return reverse("campaigns:public_campaign", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})


class Ally(models.Model):
    """A partner outside the network: a cross-movement ally with a name and a link, no account."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")  # the lead
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="allies")
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    url = models.URLField(_("website"), max_length=500, blank=True, validators=[validate_web_url])

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("ally outside the network")
        verbose_name_plural = _("allies outside the network")

    def __str__(self) -> str:
        return self.name


class Goal(models.Model):
    """A measurable goal: a number to reach ("10,000 signatures"), or done / not done ("pass bill X")."""

    class Kind(models.TextChoices):
        NUMBER = "number", _("A number to reach")
        YES_NO = "yes_no", _("Done or not done")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200, validators=[validate_single_line])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NUMBER)
    target_value = models.PositiveIntegerField(_("target"), null=True, blank=True)
    current_value = models.PositiveIntegerField(_("so far"), default=0)
    achieved_at = models.DateTimeField(_("reached"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.NUMBER and not self.target_value:
            raise ValidationError({"target_value": _("Give the number to reach.")})

    @property
    def is_met(self) -> bool:
        if self.kind == self.Kind.NUMBER:
            return bool(self.target_value) and self.current_value >= (self.target_value or 0)
        return self.achieved_at is not None

    @property
    def percent(self) -> int:
        if self.kind == self.Kind.YES_NO:
            return 100 if self.is_met else 0
        if not self.target_value:
            return 0
        return min(100, self.current_value * 100 // self.target_value)


class Milestone(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200, validators=[validate_single_line])
    due_on = models.DateField(_("date"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class VictoryQuerySet(models.QuerySet["Victory"]):
    def public(self) -> VictoryQuerySet:
        return self.filter(campaign__is_public=True, organization__status=Organization.Status.ACTIVE)


class Victory(models.Model):
    """A concrete win: the coalition's record of what it won, when, and the evidence."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="victories")
    won_on = models.DateField(_("date"), default=timezone.localdate)
    title = I18nCharField(_("what was won"), max_length=300)
    description = I18nTextField(_("the story"), blank=True)
    evidence_url = models.URLField(
        _("evidence link"),
        max_length=500,
        blank=True,
        validators=[validate_web_url],
        help_text=_("A news article, a signed ordinance, a vote record: a public web address."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedManager(organization="organization", _manager_class=models.Manager.from_queryset(VictoryQuerySet))

    class Meta:
        ordering = ["-won_on", "-id"]
        verbose_name = _("victory")
        verbose_name_plural = _("victories")

    def __str__(self) -> str:
        return str(self.title)


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def late(self, today: date | None = None) -> CommitmentQuerySet:
        return self.filter(status=Commitment.Status.OPEN, due_on__lt=today or timezone.localdate())

    def open_on_time(self, today: date | None = None) -> CommitmentQuerySet:
        return self.filter(status=Commitment.Status.OPEN, due_on__gte=today or timezone.localdate())


class Commitment(models.Model):
    """An organization or a person commits to a task for a campaign, by a date. Open until
    staff mark it kept, missed or withdrawn; *late* is open after the due date."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        KEPT = "kept", _("Kept")
        MISSED = "missed", _("Missed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")  # the lead
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="commitments")
    committed_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments_made",
        verbose_name=_("organization"),
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("person")
    )
    task = models.CharField(_("commitment"), max_length=300, validators=[validate_single_line])
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedManager(
        organization="organization", _manager_class=models.Manager.from_queryset(CommitmentQuerySet)
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=Q(committed_organization__isnull=False, person__isnull=True)
                | Q(committed_organization__isnull=True, person__isnull=False),
                name="commitment_by_organization_or_person",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.task

    def clean(self) -> None:
        super().clean()
        if (self.committed_organization_id is None) == (self.person_id is None):
            raise ValidationError(_("Choose either an organization or a person."))

    @property
    def is_late(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()

    @property
    def state(self) -> str:
        """``late`` or the status: what the dashboard counts."""
        return "late" if self.is_late else self.status


class CommitmentReminder(models.Model):
    """One reminder of one commitment at one reminder point (days before the due date). The
    row is the claim: it is created before the e-mails go out, so each point is sent once."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "days_before"], name="unique_commitment_reminder"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} -{self.days_before}d"
