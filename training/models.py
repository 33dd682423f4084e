"""Base models, custom models, evaluations (tests) and the transcriptions behind them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from portal.mirror import RemoteMirror, when


class BaseModel(RemoteMirror):
    adaptation_until = models.DateTimeField(null=True, blank=True)
    transcription_until = models.DateTimeField(null=True, blank=True)
    adapts_with = models.JSONField(default=list, blank=True)
    charge_for_adaptation = models.BooleanField(default=False)

    class Meta(RemoteMirror.Meta):
        ordering = ["-remote_created_at"]

    def apply_remote(self, body: dict) -> None:
        super().apply_remote(body)
        props = body.get("properties") or {}
        dates = props.get("deprecationDates") or {}
        self.adaptation_until = when(dates.get("adaptationDateTime"))
        self.transcription_until = when(dates.get("transcriptionDateTime"))
        self.adapts_with = (props.get("features") or {}).get("supportsAdaptationsWith") or []
        self.charge_for_adaptation = bool(props.get("chargeForAdaptation"))


class CustomModel(RemoteMirror):
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="models"
    )
    base_model_url = models.URLField(max_length=500, blank=True)
    transcription_until = models.DateTimeField(null=True, blank=True)
    # The model's files (name, kind, signed content URL), fetched once training succeeded.
    files = models.JSONField(null=True, blank=True)

    class Meta(RemoteMirror.Meta):
        ordering = ["-remote_created_at"]

    @property
    def expiry(self) -> str:
        """ "expired", "soon" (within 30 days) or "", by the resource's clock."""
        from lifecycle.models import Threshold
        from lifecycle.services import threshold_now

        threshold = threshold_now(self.transcription_until, self.resource)
        if threshold is None:
            return ""
        return "expired" if threshold == Threshold.EXPIRED else "soon"

    def apply_remote(self, body: dict) -> None:
        super().apply_remote(body)
        self.base_model_url = (body.get("baseModel") or {}).get("self", "")
        dates = (body.get("properties") or {}).get("deprecationDates") or {}
        self.transcription_until = when(dates.get("transcriptionDateTime"))


class Evaluation(RemoteMirror):
    # Per-file results (reference, hypotheses, alignments, audio links), fetched once finished.
    details = models.JSONField(null=True, blank=True)

    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluations",
    )
    model1_url = models.URLField(max_length=500, blank=True)
    model2_url = models.URLField(max_length=500, blank=True)
    dataset_url = models.URLField(max_length=500, blank=True)
    # Copied out of properties so "best WER per project" is one aggregate query.
    wer1 = models.FloatField(null=True, blank=True)
    wer2 = models.FloatField(null=True, blank=True)

    class Meta(RemoteMirror.Meta):
        ordering = ["-remote_created_at"]

    def apply_remote(self, body: dict) -> None:
        super().apply_remote(body)
        self.wer1 = self.properties.get("wordErrorRate1")
        self.wer2 = self.properties.get("wordErrorRate2")
        self.model1_url = (body.get("model1") or {}).get("self", "")
        self.model2_url = (body.get("model2") or {}).get("self", "")
        self.dataset_url = (body.get("dataset") or {}).get("self", "")


class Transcription(RemoteMirror):
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transcriptions",
    )
    model_url = models.URLField(max_length=500, blank=True)

    class Meta(RemoteMirror.Meta):
        ordering = ["-remote_created_at"]

    def apply_remote(self, body: dict) -> None:
        super().apply_remote(body)
        self.model_url = (body.get("model") or {}).get("self", "")


class TrainingDraft(models.Model):
    """The "Train a new model" wizard's draft; each step fills it in, so Back keeps choices."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="training_drafts"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    base_model = models.ForeignKey(BaseModel, null=True, blank=True, on_delete=models.SET_NULL)
    datasets = models.ManyToManyField("projects.Dataset", blank=True, related_name="+")
    display_name = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    weight_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    test_dataset = models.ForeignKey(
        "projects.Dataset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    model = models.OneToOneField(
        CustomModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="draft"
    )
    evaluation = models.OneToOneField(
        Evaluation, null=True, blank=True, on_delete=models.SET_NULL, related_name="draft"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"training draft {self.id}"

    @property
    def submitted(self) -> bool:
        return self.model_id is not None
