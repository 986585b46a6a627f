"""Core models: organizations (the tenants), memberships with roles, invitations, audit."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from i18nfield.fields import I18nCharField, I18nTextField

from .crypto import EncryptedTextField
from .permissions import Role


def _validate_language_codes(value: Any) -> None:
    codes = {code for code, _name in settings.ALL_LANGUAGES}
    if not isinstance(value, list) or any(v not in codes for v in value):
        raise ValidationError(_("Choose languages from the list."))


def _validate_single_line(value: str) -> None:
    # Names end up in e-mail subjects and headers: no line breaks or other control characters.
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationError(_("Use one line, without line breaks."))


def _validate_string_list(value: Any) -> None:
    if not isinstance(value, list) or any(not isinstance(v, str) or not v.strip() for v in value):
        raise ValidationError(_("Enter a list of names."))


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users need an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A staff account: someone who signs in (community members never need one).
    Signs in with e-mail and password, then a second factor."""

    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    is_staff = models.BooleanField(_("operator"), default=False, help_text=_("May use the operators' admin site."))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Set by an organization's lockdown (``core/lockdown.py``): until this user has passed
    # two-factor again after this moment, every session of theirs is signed out.
    two_factor_required_after = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class OrganizationManager(models.Manager["Organization"]):
    def get_queryset(self) -> models.QuerySet[Organization]:
        # The encrypted notes are loaded (and decrypted) only when a page actually shows them.
        return super().get_queryset().defer("private_notes")


class Organization(models.Model):
    """A member of the coalition, the hub that runs it, or a partner outside it.

    Organizations are the tenants: every row holding people's data belongs to exactly one.
    The organization list itself is not secret (it backs the public member directory), so
    this model has a plain manager.
    """

    class Tier(models.TextChoices):
        HUB = "hub", _("Coalition hub")
        MEMBER = "member", _("Member organization")
        PARTNER = "partner", _("Partner (outside the network)")

    class Kind(models.TextChoices):
        BASE_BUILDING = "base_building", _("Base-building / community organizing")
        LEGAL = "legal", _("Legal services")
        FAITH = "faith", _("Faith community")
        LABOR = "labor", _("Labor")
        YOUTH = "youth", _("Youth")
        SOCIAL_SERVICES = "social_services", _("Health and social services")
        POLICY = "policy", _("Policy and advocacy")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        FORMER = "former", _("Former member")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[_validate_single_line])
    tier = models.CharField(_("place in the network"), max_length=20, choices=Tier.choices, default=Tier.MEMBER)
    kinds = models.JSONField(_("kinds"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    counties = models.JSONField(_("counties served"), default=list, blank=True, validators=[_validate_string_list])
    languages = models.JSONField(_("languages"), default=list, blank=True, validators=[_validate_language_codes])
    tagline = I18nCharField(_("tagline"), max_length=300, blank=True)
    description = I18nTextField(_("what we do"), blank=True)
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public e-mail"), blank=True)
    public_phone = models.CharField(_("public phone"), max_length=40, blank=True)
    private_notes = EncryptedTextField(
        _("private notes"),
        blank=True,
        organization_field="id",
        help_text=_("Seen only by this organization's admins; encrypted at rest."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # Set while the organization is locked down (``core/lockdown.py``). Anything that lets
    # data out or in (exports, imports, and any future API token) must check
    # ``alianza.core.lockdown.organization_is_locked`` first.
    locked_down_at = models.DateTimeField(_("locked down since"), null=True, blank=True, editable=False)

    objects = OrganizationManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:organization_home", kwargs={"org": self.slug})

    def clean(self) -> None:
        valid = set(self.Kind.values)
        if not isinstance(self.kinds, list) or any(k not in valid for k in self.kinds):
            raise ValidationError({"kinds": _("Choose kinds from the list.")})

    @property
    def is_hub(self) -> bool:
        return self.tier == self.Tier.HUB

    def kind_labels(self) -> list[str]:
        labels = dict(self.Kind.choices)
        return [str(labels[k]) for k in self.kinds if k in labels]


class Membership(models.Model):
    """A user's access to one organization, with one role."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="unique_membership")]
        ordering = ["organization__name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class Invitation(models.Model):
    """An invitation for someone to join an organization with a role. The link in the
    e-mail carries a signed token (see ``invitations.py``); nothing secret is stored."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status_label(self) -> str:
        if self.accepted_at:
            return str(_("Accepted"))
        if self.revoked_at:
            return str(_("Revoked"))
        if self.expires_at <= timezone.now():
            return str(_("Expired"))
        return str(_("Pending"))


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit trail is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is append-only")


class AuditEvent(models.Model):
    """One thing that happened: who did what, when, to which record. Append-only.

    ``data`` holds the change (field diffs, counts), never secrets (masked by ``log_action``).
    Written only through ``alianza.core.audit.log_action``.
    """

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    # PROTECT: deleting an account must not rewrite the trail (deactivate accounts instead).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)

    objects = ScopedManager(
        organization="organization", _manager_class=models.Manager.from_queryset(AuditEventQuerySet)
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        # Even Django's internal manager refuses update() and delete(), and needs a scope.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["organization", "-created_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The audit trail is append-only")
        # Always an INSERT: an instance given an existing id fails instead of overwriting it.
        kwargs.pop("force_update", None)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("The audit trail is append-only")

    @property
    def object_ref(self) -> str:
        return f"{self.object_type}:{self.object_id}" if self.object_type else ""


class ScheduledRun(models.Model):
    """When the scheduler last enqueued one periodic task (``core/schedule.py``). Not an
    organization's data: one row per registered periodic task, for the whole installation."""

    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.last_enqueued_at or 'never'})"


class Lockdown(models.Model):
    """One emergency lockdown of an organization, from the moment an admin started it until a
    second admin approved lifting it. ``Organization.locked_down_at`` mirrors the open one."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="lockdowns")
    reason = EncryptedTextField(_("what happened"), blank=True, help_text=_("Encrypted; seen by your admins only."))
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    users_signed_out = models.PositiveIntegerField(default=0)
    sessions_ended = models.PositiveIntegerField(default=0)
    api_tokens_revoked = models.PositiveIntegerField(default=0)
    lift_requested_at = models.DateTimeField(null=True, blank=True)
    lift_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Each notice e-mail is claimed (stamped) before it is sent, so a retried task sends it once.
    locked_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    lift_request_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    lifted_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # At most one lockdown open per organization.
            models.UniqueConstraint(
                fields=["organization"], condition=models.Q(lifted_at=None), name="one_open_lockdown"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} locked down {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.lifted_at is None


class ApiToken(models.Model):
    """A secret that lets a program act for one staff user in one organization, with that
    user's role there at the time of each use (``core/api_tokens.py``). Only the SHA-256 hash
    of the secret is stored; the secret is shown once, when the token is made. Revoked tokens
    are kept (who revoked them, when, why) and never work again; a lockdown revokes them all."""

    class RevokedReason(models.TextChoices):
        BY_ADMIN = "admin", _("revoked by an admin")
        LOCKDOWN = "lockdown", _("revoked by the emergency lockdown")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("what it is for"), max_length=100)
    prefix = models.CharField(max_length=12)  # the first characters, to recognise a token
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.CharField(max_length=10, choices=RevokedReason.choices, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["organization", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class UserSession(models.Model):
    """One signed-in browser of a staff user, for their "active sessions" page and for ending
    sessions (one, all others, or all of an organization's users in a lockdown).

    It points at Django's database session (the reference, not a copy of the key) and
    disappears with it: signing out, expiry (``clearsessions``) and ending it all delete the
    session row, and this one with it. The address is never stored whole: only its network
    (``/24`` for IPv4, ``/48`` for IPv6)."""

    session = models.OneToOneField("sessions.Session", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="user_sessions")
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    browser = models.CharField(max_length=40, blank=True)  # from the User-Agent: "Firefox"
    platform = models.CharField(max_length=40, blank=True)  # "Android"
    network = models.CharField(max_length=50, blank=True)  # "203.0.113.0/24"

    class Meta:
        ordering = ["-last_seen_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.browser} {self.platform} · {self.network}"


class RetentionSetting(models.Model):
    """How long one organization keeps one kind of record (``core/retention.py``), when it
    differs from the registry's default. Within the registry's limits (checked on save)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("record kind"), max_length=100)
    days = models.PositiveIntegerField(_("days kept"))
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["organization", "kind"], name="unique_retention_setting")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.days} days"


class RetentionLimit(models.Model):
    """The network-wide shortest and longest period organizations may choose for one kind of
    record (``core/retention.py``), set by the hub's admins within the rule's hard limits in code.

    Not a tenant model: the hub sets one pair of limits for every organization of the
    installation (there is one hub), so a row belongs to no organization and holds no one's
    data. Changes are audited in the hub's trail."""

    kind = models.CharField(_("record kind"), max_length=100, unique=True)
    min_days = models.PositiveIntegerField(_("shortest period (days)"))
    max_days = models.PositiveIntegerField(_("longest period (days)"))
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_days__lte=models.F("max_days")), name="retention_limit_min_lte_max"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.min_days}-{self.max_days} days"


class AuditSubject(models.Model):
    """One record an audited read showed (``core/read_audit.py``): a search's or an export's
    people, one row each, so "who saw this person" finds every read of one record. Part of the
    audit event's details: the retention of audit details removes these rows with the rest."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="subjects")
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "object_type", "object_id"]),
            models.Index(fields=["organization", "actor", "created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.object_type}:{self.object_id}"


class LegalRequest(models.Model):
    """A legal demand for data that the coalition received (a subpoena, a warrant, a court
    order, an informal request), recorded by the hub for its yearly transparency report (see
    docs/legal-process.md). It holds no personal data: the scope is described in general terms."""

    class Kind(models.TextChoices):
        ADMINISTRATIVE_SUBPOENA = "administrative_subpoena", _("Administrative subpoena")
        JUDICIAL_SUBPOENA = "judicial_subpoena", _("Judicial subpoena")
        WARRANT = "warrant", _("Warrant signed by a judge")
        COURT_ORDER = "court_order", _("Court order")
        INFORMAL = "informal", _("Informal request (call, letter, visit)")
        OTHER = "other", _("Other")

    class Agency(models.TextChoices):
        FEDERAL_IMMIGRATION = "federal_immigration", _("Federal immigration enforcement (ICE, CBP, USCIS)")
        FEDERAL_OTHER = "federal_other", _("Other federal agency")
        STATE = "state", _("State agency or police")
        LOCAL = "local", _("Local police or sheriff")
        COURT = "court", _("Court or prosecutor")
        PRIVATE = "private", _("Private party (civil lawsuit)")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, not answered yet")
        ANSWERED = "answered", _("Answered")
        PARTIALLY_ANSWERED = "partially_answered", _("Partially answered")
        CHALLENGED = "challenged", _("Challenged")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REFUSED = "refused", _("Refused")

    class Notified(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        PROHIBITED = "prohibited", _("No: a court order forbids it")
        NOT_APPLICABLE = "not_applicable", _("Not applicable (no one's data was asked for)")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="legal_requests")
    received_on = models.DateField(_("received on"))
    kind = models.CharField(_("kind of request"), max_length=30, choices=Kind.choices)
    agency = models.CharField(_("who sent it"), max_length=30, choices=Agency.choices)
    scope_summary = models.TextField(
        _("what it asks for"),
        max_length=2000,
        help_text=_(
            "In general terms (“records of members of one organization”, “event attendance in "
            "March”). Do not write anyone's name or contact details here."
        ),
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.RECEIVED)
    person_notified = models.CharField(
        _("were the people concerned told?"), max_length=20, choices=Notified.choices, default=Notified.NO
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["organization", "received_on"])]

    def __str__(self) -> str:
        return f"{self.received_on} {self.get_kind_display()} ({self.get_status_display()})"

    def clean(self) -> None:
        super().clean()
        if self.closed_on and self.received_on and self.closed_on < self.received_on:
            raise ValidationError({"closed_on": _("A request cannot be closed before it was received.")})
        if self.closed_on and self.status == self.Status.RECEIVED:
            raise ValidationError({"status": _("A closed request needs its outcome: choose a status.")})
        if self.received_on and self.received_on > timezone.localdate():
            raise ValidationError({"received_on": _("This date is in the future.")})
