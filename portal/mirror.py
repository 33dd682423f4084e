"""What every mirrored remote entity keeps: the remote truth as the resource last said it
(status, dates, links, raw JSON) and when, plus the polling bookkeeping."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.dateparse import parse_datetime

IN_FLIGHT = ("NotStarted", "Running")


class RemoteMirror(models.Model):
    resource = models.ForeignKey(
        "portal.SpeechResource", on_delete=models.CASCADE, related_name="%(app_label)s_%(class)ss"
    )
    remote_id = models.UUIDField(null=True, blank=True)
    # Sent as customProperties.portalRequestId, so a retried create finds its first attempt.
    request_id = models.UUIDField(default=uuid.uuid4, editable=False)
    self_url = models.URLField(max_length=500, blank=True)
    display_name = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    locale = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20, blank=True)
    remote_created_at = models.DateTimeField(null=True, blank=True)
    remote_last_action_at = models.DateTimeField(null=True, blank=True)
    properties = models.JSONField(default=dict, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    deleted_remotely_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    poll_failures = models.PositiveIntegerField(default=0)
    # A worker creating the entity on its resource claims the row until then, so two runs of
    # the same create never both send it.
    create_claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "remote_id"], name="%(app_label)s_%(class)s_one_per_remote"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def in_flight(self) -> bool:
        return self.status in IN_FLIGHT and not (self.remote_id is None and self.error)

    @property
    def error(self) -> dict | None:
        return self.properties.get("error")

    def apply_remote(self, body: dict) -> None:
        """Copies the fields every entity kind has from the resource's answer."""
        self.raw = body
        self.self_url = body.get("self", self.self_url)
        if body.get("self"):
            self.remote_id = uuid.UUID(body["self"].rstrip("/").rsplit("/", 1)[-1])
        self.display_name = body.get("displayName", self.display_name)
        self.description = body.get("description") or ""
        self.locale = body.get("locale", self.locale)
        self.status = body.get("status", "Succeeded")  # projects have no status: made is done
        self.remote_created_at = when(body.get("createdDateTime")) or self.remote_created_at
        self.remote_last_action_at = when(body.get("lastActionDateTime"))
        self.properties = body.get("properties") or {}
        self.deleted_remotely_at = None


def when(value: str | None):
    return parse_datetime(value) if value else None


def remote_id_of(url: str | None) -> uuid.UUID | None:
    if not url:
        return None
    try:
        return uuid.UUID(url.rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None
