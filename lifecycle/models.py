"""Expiry alerts (one per team, model and threshold) and retrain-and-swap plans."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Threshold(models.TextChoices):
    DAYS_30 = "30d", "Expires within 30 days"
    DAYS_7 = "7d", "Expires within 7 days"
    EXPIRED = "expired", "Expired"


class ExpiryAlert(models.Model):
    """A model (custom, or a base model an endpoint serves) crossing a threshold, for one team.
    Unique per team, model and threshold, so each is raised and emailed once."""

    team = models.ForeignKey("portal.Team", on_delete=models.CASCADE, related_name="alerts")
    resource = models.ForeignKey(
        "portal.SpeechResource", on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    custom_model = models.ForeignKey(
        "training.CustomModel",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    model_url = models.URLField(max_length=500)
    model_name = models.CharField(max_length=500)
    threshold = models.CharField(max_length=10, choices=Threshold.choices)
    expires_at = models.DateTimeField()
    # Endpoint names serving the model when the alert was raised.
    endpoints = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["expires_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "model_url", "threshold"], name="one_alert_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model_name}: {self.get_threshold_display()}"


class PlanState(models.TextChoices):
    TRAINING = "training", "Training on the newest base model"
    TESTING = "testing", "Testing against the current model"
    READY = "ready", "Ready to swap"
    SWAPPED = "swapped", "Endpoints swapped"
    WORSE = "worse", "Not better: kept the current model"
    FAILED = "failed", "Failed"


class RetrainPlan(models.Model):
    """ "Retrain on the newest base model" from an alert: train, test the new model against the
    current one on every dataset the current one was tested on, then offer or perform the swap."""

    current_model = models.ForeignKey(
        "training.CustomModel", on_delete=models.CASCADE, related_name="retrain_plans"
    )
    new_model = models.OneToOneField(
        "training.CustomModel", null=True, on_delete=models.SET_NULL, related_name="retrained_from"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    state = models.CharField(max_length=10, choices=PlanState.choices, default=PlanState.TRAINING)
    reason = models.TextField(blank=True)
    evaluations = models.ManyToManyField("training.Evaluation", blank=True, related_name="+")
    # Per dataset: name, current WER, new WER, and whether the new model is good enough there.
    comparison = models.JSONField(default=list, blank=True)
    swapped_endpoints = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"retrain of {self.current_model}"
