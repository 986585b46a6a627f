"""The network: the coalition's values and principles, applications of organizations that want
to join, and individual sign-ups. All of it belongs to the hub organization that receives it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from i18nfield.fields import I18nCharField, I18nTextField

from alianza.core.crypto import EncryptedTextField
from alianza.core.models import Organization


def validate_single_line(value: str) -> None:
    """Names end up in e-mail subjects and headers: no line breaks or other control characters."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationError(_("Use one line, without line breaks."))


PHONE_PATTERN = re.compile(r"^\+?[0-9 ().\-]+$")


def validate_phone(value: str) -> None:
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_PATTERN.match(value) or not 7 <= digits <= 15:
        raise ValidationError(_("Enter a phone number, for example +1 512 555 0100."))


def validate_language_codes(value: Any) -> None:
    codes = {code for code, _name in settings.ALL_LANGUAGES}
    if not isinstance(value, list) or any(v not in codes for v in value):
        raise ValidationError(_("Choose languages from the list."))


def validate_kinds(value: Any) -> None:
    if not isinstance(value, list) or any(v not in Organization.Kind.values for v in value):
        raise ValidationError(_("Choose kinds from the list."))


def validate_counties(value: Any) -> None:
    if not isinstance(value, list) or any(not isinstance(v, str) or not v.strip() or len(v) > 100 for v in value):
        raise ValidationError(_("Enter one county per line."))


class VersionedTextQuerySet(models.QuerySet[Any]):
    def published(self) -> VersionedTextQuerySet:
        return self.filter(published_at__lte=timezone.now())

    def current(self) -> Any:
        """The newest published version: the one people accept."""
        return self.published().order_by("-version").first()


# Kept under its first name for the network's own code.
PrinciplesVersionQuerySet = VersionedTextQuerySet


class VersionedText(models.Model):
    """A text an organization publishes in versions, in several languages, that people accept
    (the coalition's values and principles, its code of conduct). Versions are never edited:
    publishing a change makes a new version, and every acceptance keeps the version that was
    accepted. ``principles.versioned_text_publish`` publishes one of any concrete model."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(_("version"))
    title = I18nCharField(_("title"), max_length=200)
    text = I18nTextField(_("text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(
        organization="organization", _manager_class=models.Manager.from_queryset(VersionedTextQuerySet)
    )

    class Meta:
        abstract = True
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class PrinciplesVersion(VersionedText):
    """One published version of the coalition's values and principles."""

    class Meta(VersionedText.Meta):
        verbose_name = _("values and principles")
        verbose_name_plural = _("values and principles")
        constraints = [
            models.UniqueConstraint(fields=["organization", "version"], name="unique_principles_version"),
        ]


class OrganizationApplication(models.Model):
    """An organization's application to join the network, sent from the public "Join us" page."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        INFO_REQUESTED = "info_requested", _("More information requested")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    OPEN_STATUSES = (Status.PENDING, Status.INFO_REQUESTED)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")  # the hub
    name = models.CharField(_("organization name"), max_length=200, validators=[validate_single_line])
    kinds = models.JSONField(_("kinds"), default=list, blank=True, validators=[validate_kinds])
    counties = models.JSONField(_("counties served"), default=list, blank=True, validators=[validate_counties])
    contact_name = models.CharField(_("contact name"), max_length=200, validators=[validate_single_line])
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True, validators=[validate_phone])
    languages = models.JSONField(_("languages"), default=list, blank=True, validators=[validate_language_codes])
    mission = models.TextField(_("mission"), max_length=5000)
    language = models.CharField(_("language of the application"), max_length=10, default="en")
    principles_version = models.ForeignKey(PrinciplesVersion, on_delete=models.PROTECT, related_name="+")
    principles_accepted_at = models.DateTimeField(_("values and principles accepted"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        indexes = [models.Index(fields=["organization", "status", "-created_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def kind_labels(self) -> list[str]:
        labels = dict(Organization.Kind.choices)
        return [str(labels[k]) for k in self.kinds if k in labels]


class ApplicationMessage(models.Model):
    """A message from the hub to an applicant's contact (a request for more information),
    e-mailed once by a task: ``sent_at`` is claimed before sending."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")  # the hub
    application = models.ForeignKey(OrganizationApplication, on_delete=models.CASCADE, related_name="messages")
    body = models.TextField(_("message"), max_length=5000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application} ({self.created_at:%Y-%m-%d})"


class IndividualSignup(models.Model):
    """Someone who joined as a member or volunteer from the public "Join us" page. Kept here,
    for the hub, until the people app turns sign-ups into people records."""

    class JoinsAs(models.TextChoices):
        MEMBER = "member", _("Member")
        VOLUNTEER = "volunteer", _("Volunteer")
        BOTH = "both", _("Member and volunteer")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")  # the hub
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="en")
    county = models.CharField(_("county"), max_length=100, blank=True, validators=[validate_single_line])
    joins_as = models.CharField(_("joins as"), max_length=20, choices=JoinsAs.choices, default=JoinsAs.MEMBER)
    principles_version = models.ForeignKey(PrinciplesVersion, on_delete=models.PROTECT, related_name="+")
    principles_accepted_at = models.DateTimeField(_("values and principles accepted"))
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if not (self.email or self.phone):
            raise ValidationError(_("Give an e-mail address or a phone number so we can reach you."))
        languages = {code for code, _name in settings.ALL_LANGUAGES}
        if self.preferred_language not in languages:
            raise ValidationError({"preferred_language": _("Choose a language from the list.")})


def network_participants() -> models.Q:
    """The organizations that may sit on a working group: the hub and active members
    (partners outside the network, applicants, suspended and former members may not)."""
    return models.Q(tier=Organization.Tier.HUB) | models.Q(
        tier=Organization.Tier.MEMBER, status=Organization.Status.ACTIVE
    )


class WorkingGroup(models.Model):
    """A working group, committee or task force of the network, run by the hub, with members
    from several organizations."""

    class Kind(models.TextChoices):
        WORKING_GROUP = "working_group", _("Working group")
        COMMITTEE = "committee", _("Committee")
        TASK_FORCE = "task_force", _("Task force")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")  # the hub
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WORKING_GROUP)
    name = I18nCharField(_("name"), max_length=200)
    purpose = I18nTextField(_("purpose"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["status", "kind", "id"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def __str__(self) -> str:
        return str(self.name)


class WorkingGroupMemberQuerySet(models.QuerySet["WorkingGroupMember"]):
    def current(self, on: date | None = None) -> WorkingGroupMemberQuerySet:
        """Members who have not left (by ``on``, today by default)."""
        day = on or timezone.localdate()
        return self.filter(models.Q(left_on__isnull=True) | models.Q(left_on__gt=day))


class WorkingGroupMember(models.Model):
    """One seat on a working group: the organization it represents, and either one of that
    organization's staff (a user) or a named representative with contact details (personal
    data: encrypted with the hub's key). Leaving keeps the row, with the date it ended."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        CO_CHAIR = "co_chair", _("Co-chair")
        MEMBER = "member", _("Member")
        STAFF_LIAISON = "staff_liaison", _("Staff liaison")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")  # the hub
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    represents = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization represented")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    name = models.CharField(_("representative's name"), max_length=200, blank=True, validators=[validate_single_line])
    contact = EncryptedTextField(
        _("representative's contact"),
        blank=True,
        help_text=_("How to reach them (e-mail, phone). Encrypted; seen by the hub's staff only."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined"), default=timezone.localdate)
    left_on = models.DateField(_("left"), null=True, blank=True)

    objects = ScopedManager(
        organization="organization", _manager_class=models.Manager.from_queryset(WorkingGroupMemberQuerySet)
    )

    class Meta:
        ordering = ["group", "role", "id"]
        verbose_name = _("working group member")
        verbose_name_plural = _("working group members")

    def __str__(self) -> str:
        return self.participant_name

    @property
    def participant_name(self) -> str:
        if self.user_id is not None and self.user is not None:
            return self.user.name or self.user.email
        return self.name

    @property
    def has_left(self) -> bool:
        return self.left_on is not None and self.left_on <= timezone.localdate()

    def clean(self) -> None:
        super().clean()
        if bool(self.user_id) == bool(self.name.strip()):
            raise ValidationError(_("Choose a staff member of the organization, or write a representative's name."))
        if self.user_id and self.contact:
            raise ValidationError({"contact": _("Staff members are reached through their account: leave this empty.")})
        if self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("The date they left cannot be before the date they joined.")})
