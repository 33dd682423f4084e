"""The bundled speech service's own records: resources and keys, and the entities of the
Speech to text REST API v3.2. Each entity keeps its API fields in a JSON document beside the
columns the API filters and pages on; files live on disk under LOCALSPEECH_DATA_DIR."""

from __future__ import annotations

import hashlib
import uuid

from django.db import models
from django.utils import timezone


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Resource(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=100)
    region = models.CharField(max_length=50)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.region})"

    @property
    def resource_id(self) -> str:
        """A stable Azure-style resource id, as copy authorizations name resources."""
        return (
            f"/subscriptions/{self.id}/resourceGroups/localspeech/providers/"
            f"Microsoft.CognitiveServices/accounts/{self.name}"
        )


class ResourceKey(models.Model):
    """A key is stored only as its SHA-256 digest; a resource holds at most two (rotation)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="keys")
    digest = models.CharField(max_length=64, unique=True)
    last4 = models.CharField(max_length=4)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"••••{self.last4}"


class Kind(models.TextChoices):
    PROJECT = "projects"
    DATASET = "datasets"
    MODEL = "models"
    EVALUATION = "evaluations"
    ENDPOINT = "endpoints"
    TRANSCRIPTION = "transcriptions"
    WEBHOOK = "webhooks"


class Status(models.TextChoices):
    NOT_STARTED = "NotStarted"
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"


TERMINAL = {Status.SUCCEEDED, Status.FAILED}


class Entity(models.Model):
    """One API entity. `doc` holds its writable API fields (description, customProperties,
    kind-specific ones); `props` its `properties` object as the service fills it in."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="entities")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    project = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    display_name = models.CharField(max_length=500)
    locale = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    dataset_kind = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_action_at = models.DateTimeField(default=timezone.now)
    doc = models.JSONField(default=dict)
    props = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(fields=["resource", "kind", "created_at"]),
            models.Index(fields=["resource", "kind", "status"]),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind}/{self.id} {self.display_name}"

    def touch(self, status: str | None = None) -> None:
        if status:
            self.status = status
        self.last_action_at = timezone.now()


class Block(models.Model):
    """An uploaded block of a dataset created by blocks; its bytes are a file on disk."""

    dataset = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="blocks")
    block_id = models.CharField(max_length=100)
    size = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "block_id"], name="one_block_per_id")
        ]

    def __str__(self) -> str:
        return f"block {self.block_id} of {self.dataset_id}"


class EndpointLog(models.Model):
    """A logged recognition: the audio and the JSON result, named as the API names them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="logs")
    endpoint = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.CASCADE, related_name="logs"
    )
    locale = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.stem

    @property
    def stem(self) -> str:
        return f"{self.created_at:%Y-%m-%d_%H%M%S}_{self.id}"


class CopyAuthorization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    target = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="authorizations")
    source_resource_id = models.CharField(max_length=500)
    expires_at = models.DateTimeField()
    target_model = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return f"copy authorization {self.id} for {self.target}"


class CopyOperation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="operations")
    source_model = models.ForeignKey(
        Entity, null=True, on_delete=models.SET_NULL, related_name="copies"
    )
    target_model = models.ForeignKey(
        Entity, null=True, on_delete=models.SET_NULL, related_name="copied_by"
    )
    authorization = models.OneToOneField(
        CopyAuthorization, null=True, on_delete=models.SET_NULL, related_name="operation"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    error = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_action_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"copy {self.id} ({self.status})"
