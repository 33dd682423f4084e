"""Lifecycle tasks: thin wrappers that take ids and call one service; all are idempotent."""

from __future__ import annotations

from celery import shared_task

from lifecycle import services


@shared_task(name="lifecycle.alerts_scan", acks_late=True)
def alerts_scan() -> int:
    """Beat: raise the alerts due now and queue one email per new alert."""
    raised = services.alerts_scan()
    for alert in raised:
        alert_email.delay(alert.id)
    return len(raised)


@shared_task(name="lifecycle.alert_email", bind=True, acks_late=True, max_retries=5)
def alert_email(self, alert_id: int) -> None:
    try:
        services.alert_email(alert_id)
    except OSError as exc:  # the mail server is down for a moment
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(name="lifecycle.plan_advance", acks_late=True)
def plan_advance(plan_id: int) -> None:
    services.plan_advance(plan_id)
