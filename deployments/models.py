"""Endpoints: deployed models."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from portal.mirror import RemoteMirror


class Endpoint(RemoteMirror):
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="endpoints",
    )
    model_url = models.URLField(max_length=500, blank=True)
    # The logged recognitions as last fetched (audio and result links, the text heard).
    logs = models.JSONField(null=True, blank=True)

    class Meta(RemoteMirror.Meta):
        ordering = ["-remote_created_at"]

    def apply_remote(self, body: dict) -> None:
        super().apply_remote(body)
        self.model_url = (body.get("model") or {}).get("self", "")


class TryIt(models.Model):
    """One "Try it" on an endpoint: the audio, and what the endpoint and the base model heard."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="tries")
    audio = models.BinaryField()
    endpoint_result = models.JSONField(null=True, blank=True)
    base_result = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"try {self.id}"

    @property
    def done(self) -> bool:
        return bool(self.error) or (
            self.endpoint_result is not None and self.base_result is not None
        )


class CopyState(models.TextChoices):
    DRAFT = "draft", "Draft"
    RUNNING = "running", "Copying"
    SUCCEEDED = "succeeded", "Copied"
    FAILED = "failed", "Failed"


class CopyOperation(models.Model):
    """A "Copy to" of a custom model: the wizard's draft, then the task's progress through the
    v3.2 flow (authorization from the target, copy from the source, follow, connect)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    source = models.ForeignKey(
        "training.CustomModel", on_delete=models.CASCADE, related_name="copies"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    target_region = models.CharField(max_length=50, blank=True)
    target_resource = models.ForeignKey(
        "portal.SpeechResource", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=CopyState.choices, default=CopyState.DRAFT)
    authorization = models.JSONField(null=True, blank=True)
    operation_url = models.URLField(max_length=500, blank=True)
    target_model = models.ForeignKey(
        "training.CustomModel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copied_from",
    )
    error = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"copy {self.id} ({self.state})"
