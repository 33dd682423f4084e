"""Teams, memberships and the worker heartbeat."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Team admin"


# What each role may do includes everything of the roles before it.
ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )
    # When a retrained model is at least as good on every test, swap endpoints without asking.
    auto_swap_endpoints = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")
        ]
        ordering = ["team__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"

    def allows(self, role: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]


class WorkerHeartbeat(models.Model):
    """Written by a periodic task, so /healthz can say when a worker last ran something."""

    hostname = models.CharField(max_length=200, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class ResourceKind(models.TextChoices):
    AZURE = "azure", "Azure Speech resource"
    LOCAL = "local", "Bundled speech service"


class Health(models.TextChoices):
    UNKNOWN = "unknown", "Not checked"
    CHECKING = "checking", "Checking"
    OK = "ok", "Connected"
    FAILED = "failed", "Failed"


class SpeechResource(models.Model):
    """A Speech resource the portal works on. The key is stored encrypted and never shown."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=ResourceKind.choices, default=ResourceKind.AZURE)
    region = models.CharField(max_length=50)
    management_url = models.URLField(
        help_text="Base of the management API, e.g. https://westus.api.cognitive.microsoft.com"
    )
    recognition_url = models.URLField(
        help_text="Base of recognition, e.g. https://westus.stt.speech.microsoft.com"
    )
    api_version = models.CharField(max_length=20, default="v3.2")
    # /subscriptions/.../accounts/NAME: copy authorizations name their source resource by it.
    arm_id = models.CharField("Azure resource id", max_length=500, blank=True)
    encrypted_key = models.TextField()
    key_last4 = models.CharField(max_length=4)
    teams = models.ManyToManyField(Team, related_name="speech_resources", blank=True)
    default_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="default_for_resources"
    )
    budget_requests = models.PositiveIntegerField(default=100)
    budget_seconds = models.PositiveIntegerField(default=10)
    health = models.CharField(max_length=10, choices=Health.choices, default=Health.UNKNOWN)
    health_message = models.CharField(max_length=500, blank=True)
    health_checked_at = models.DateTimeField(null=True, blank=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_full_sync_at = models.DateTimeField(null=True, blank=True)
    sync_error = models.CharField(max_length=500, blank=True)
    # Per entity kind, the newest lastActionDateTime seen: incremental syncs ask for newer ones.
    sync_cursors = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.region})"

    @property
    def masked_key(self) -> str:
        return f"••••{self.key_last4}"

    def set_key(self, key: str) -> None:
        from portal.crypto import encrypt

        self.encrypted_key = encrypt(key)
        self.key_last4 = key[-4:]

    def key(self) -> str:
        from portal.crypto import decrypt

        return decrypt(self.encrypted_key)


class RequestWindow(models.Model):
    """Requests sent to a resource in one budget window (the rate limiter without Redis)."""

    resource = models.ForeignKey(SpeechResource, on_delete=models.CASCADE, related_name="windows")
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "window"], name="one_row_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id}@{self.window}: {self.count}"


class DemoSeed(models.Model):
    """The demo workspace of a team, made through the product's own services and tasks."""

    STEPS = ["project", "datasets", "model", "test", "endpoint", "done"]

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="demo")
    resource = models.ForeignKey(SpeechResource, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=20, default="project")
    error = models.CharField(max_length=1000, blank=True)
    dismissed = models.BooleanField(default=False)
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.ForeignKey(
        "projects.Dataset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pronunciation = models.ForeignKey(
        "projects.Dataset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    test_set = models.ForeignKey(
        "projects.Dataset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    model = models.ForeignKey(
        "training.CustomModel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evaluation = models.ForeignKey(
        "training.Evaluation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    endpoint = models.ForeignKey(
        "deployments.Endpoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"demo of {self.team} ({self.step})"

    @property
    def done(self) -> bool:
        return self.step == "done"


class AuditAction(models.TextChoices):
    CREATED = "created", "Created"
    UPLOADED = "uploaded", "Uploaded"
    TRAINED = "trained", "Trained"
    TESTED = "tested", "Tested"
    DEPLOYED = "deployed", "Deployed"
    SWAPPED = "swapped", "Swapped model"
    COPIED = "copied", "Copied"
    EDITED = "edited", "Edited"
    DELETED = "deleted", "Deleted"


class AuditEvent(models.Model):
    """Who did what to which object, and when. Names are copied so the log outlives the object."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="audit_events")
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    project_name = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Empty user: the portal acted on its own (an automatic swap, the demo).
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    target_kind = models.CharField(max_length=30)
    target_name = models.CharField(max_length=500)
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["team", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.username or 'portal'} {self.action} {self.target_kind} {self.target_name}"
