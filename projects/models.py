"""Projects and datasets: mirrors of the resource's entities, owned by a team."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models

from portal.mirror import RemoteMirror


class Project(RemoteMirror):
    team = models.ForeignKey("portal.Team", on_delete=models.PROTECT, related_name="projects")

    class Meta(RemoteMirror.Meta):
        ordering = ["display_name"]


class Dataset(RemoteMirror):
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="datasets"
    )
    kind = models.CharField(max_length=30)
    # The resource's report file (every rejected line with its reason), fetched once finished.
    report = models.JSONField(null=True, blank=True)

    class Meta(RemoteMirror.Meta):
        ordering = ["-remote_created_at"]

    def apply_remote(self, body: dict) -> None:
        super().apply_remote(body)
        self.kind = body.get("kind", self.kind)


class UploadState(models.TextChoices):
    DRAFT = "draft", "Draft"
    UPLOADING = "uploading", "Uploading"
    UPLOADED = "uploaded", "Uploaded"
    FAILED = "failed", "Failed"


class DatasetUpload(models.Model):
    """The upload wizard's draft: each step fills it in, so refresh and Back keep the work.

    The file lives on the portal's disk until the upload task has sent it in blocks."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="uploads")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=30, blank=True)
    source = models.CharField(max_length=10, blank=True)  # "file" or "url"
    content_url = models.URLField(max_length=1000, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.BigIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    leave_out_rejected = models.BooleanField(default=False)
    display_name = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=UploadState.choices, default=UploadState.DRAFT)
    bytes_sent = models.BigIntegerField(default=0)
    bytes_total = models.BigIntegerField(default=0)
    error = models.CharField(max_length=1000, blank=True)
    dataset = models.OneToOneField(
        Dataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="upload"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"upload {self.id} ({self.state})"

    @property
    def folder(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "uploads" / str(self.id)

    @property
    def file_path(self) -> Path | None:
        return self.folder / self.file_name if self.file_name else None

    @property
    def progress_percent(self) -> int:
        return int(100 * self.bytes_sent / self.bytes_total) if self.bytes_total else 0
