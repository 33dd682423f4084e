"""Endpoints: deployed models."""

from __future__ import annotations

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

    class Meta(RemoteMirror.Meta):
        ordering = ["-remote_created_at"]

    def apply_remote(self, body: dict) -> None:
        super().apply_remote(body)
        self.model_url = (body.get("model") or {}).get("self", "")
