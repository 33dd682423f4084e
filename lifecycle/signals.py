"""A retrain plan moves on when its new model or one of its tests finishes."""

from __future__ import annotations

from django.dispatch import receiver

from portal.signals import remote_finished


@receiver(remote_finished)
def on_remote_finished(sender, kind: str, row, **kwargs) -> None:
    from lifecycle import tasks
    from lifecycle.models import RetrainPlan

    if kind == "models":
        plans = RetrainPlan.objects.filter(new_model_id=row.id)
    elif kind == "evaluations":
        plans = RetrainPlan.objects.filter(evaluations=row.id)
    else:
        return
    for plan_id in plans.values_list("id", flat=True):
        tasks.plan_advance.delay(plan_id)
