"""Projects and datasets: mirrors of the resource's entities, owned by a team."""

from __future__ import annotations

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

    class Meta(RemoteMirror.Meta):
        ordering = ["-remote_created_at"]

    def apply_remote(self, body: dict) -> None:
        super().apply_remote(body)
        self.kind = body.get("kind", self.kind)
