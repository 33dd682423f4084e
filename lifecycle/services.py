"""Expiry alerts and retrain-and-swap (RULES.md, Lifecycle).

A custom model transcribes until two years after the end of its creation quarter; an endpoint
whose model has expired silently falls back to the newest base model. Alerts are raised at 30
and 7 days and on expiry, once per team, model and threshold, and emailed to the team.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from deployments.models import Endpoint
from lifecycle.models import ExpiryAlert, PlanState, RetrainPlan, Threshold
from portal import audit
from portal.models import AuditAction, ResourceKind, SpeechResource
from projects.models import Dataset
from training.models import BaseModel, CustomModel
from training.selectors import evaluations_of

# A retrained model may swap in when its WER is at most this much above the current model's.
SWAP_TOLERANCE = 0.005
FALLBACK_WARNING = (
    "An endpoint whose model has expired does not fail: it silently falls back to the newest "
    "base model, so recognition goes on without your customization."
)


def resource_now(resource: SpeechResource) -> datetime:
    """Now as the resource counts it. The bundled service runs with the portal and its clock can
    be moved by LOCALSPEECH_CLOCK_OFFSET_DAYS, so its dates are judged by that clock."""
    now = timezone.now()
    if resource.kind == ResourceKind.LOCAL:
        now += timedelta(days=settings.LOCALSPEECH_CLOCK_OFFSET_DAYS)
    return now


def threshold_for(expires_at: datetime, now: datetime) -> Threshold | None:
    left = expires_at - now
    if left <= timedelta(0):
        return Threshold.EXPIRED
    if left <= timedelta(days=7):
        return Threshold.DAYS_7
    if left <= timedelta(days=30):
        return Threshold.DAYS_30
    return None


def threshold_now(expires_at: datetime | None, resource: SpeechResource) -> Threshold | None:
    """The threshold a model expiring then has reached, by its resource's clock."""
    return None if expires_at is None else threshold_for(expires_at, resource_now(resource))


def days_left(expires_at: datetime | None, resource: SpeechResource) -> int | None:
    if expires_at is None:
        return None
    return (expires_at - resource_now(resource)).days


def expiry_horizon() -> datetime:
    """Nothing expiring after this can have reached a threshold on any resource's clock: a
    database filter before the exact check."""
    return timezone.now() + timedelta(days=30 + max(0, settings.LOCALSPEECH_CLOCK_OFFSET_DAYS))


def _serving(resource_ids, urls) -> dict[tuple[int, str], list[Endpoint]]:
    serving: dict[tuple[int, str], list[Endpoint]] = {}
    endpoints = Endpoint.objects.filter(
        resource_id__in=resource_ids, model_url__in=urls, deleted_remotely_at__isnull=True
    ).select_related("project__team")
    for endpoint in endpoints:
        serving.setdefault((endpoint.resource_id, endpoint.model_url), []).append(endpoint)
    return serving


def alerts_scan() -> list[ExpiryAlert]:
    """Raises the alerts due now; returns the new ones (already raised ones are not repeated).
    Only the most severe threshold a model has reached is raised: a model found at 5 days gets
    the 7-day alert, not a late 30-day one as well."""
    raised: list[ExpiryAlert] = []
    horizon = expiry_horizon()
    models = list(
        CustomModel.objects.filter(
            status="Succeeded",
            deleted_remotely_at__isnull=True,
            project__isnull=False,
            transcription_until__lt=horizon,
        ).select_related("project__team", "resource")
    )
    serving = _serving({m.resource_id for m in models}, {m.self_url for m in models})
    for model in models:
        endpoints = serving.get((model.resource_id, model.self_url), [])
        alert = _raise(
            team=model.project.team,
            resource=model.resource,
            project=model.project,
            custom_model=model,
            model_url=model.self_url,
            model_name=model.display_name,
            expires_at=model.transcription_until,
            endpoints=[e.display_name for e in endpoints],
        )
        if alert:
            raised.append(alert)
    # Endpoints serving a base model are warned too, once per team.
    bases = list(
        BaseModel.objects.filter(
            transcription_until__lt=horizon, deleted_remotely_at__isnull=True
        ).select_related("resource")
    )
    serving = _serving({b.resource_id for b in bases}, {b.self_url for b in bases})
    for base in bases:
        by_team: dict[int, list[Endpoint]] = {}
        for endpoint in serving.get((base.resource_id, base.self_url), []):
            if endpoint.project is not None:
                by_team.setdefault(endpoint.project.team_id, []).append(endpoint)
        for endpoints in by_team.values():
            alert = _raise(
                team=endpoints[0].project.team,
                resource=base.resource,
                project=endpoints[0].project,
                custom_model=None,
                model_url=base.self_url,
                model_name=f"Base model {base.display_name}",
                expires_at=base.transcription_until,
                endpoints=[e.display_name for e in endpoints],
            )
            if alert:
                raised.append(alert)
    return raised


def _raise(*, team, resource, expires_at, model_url, **fields) -> ExpiryAlert | None:
    threshold = threshold_now(expires_at, resource)
    if threshold is None:
        return None
    alert, created = ExpiryAlert.objects.get_or_create(
        team=team,
        model_url=model_url,
        threshold=threshold,
        defaults={"resource": resource, "expires_at": expires_at, **fields},
    )
    return alert if created else None


def alert_text(alert: ExpiryAlert) -> tuple[str, str]:
    """The email's subject and body."""
    when = f"{alert.expires_at:%Y-%m-%d}"
    if alert.threshold == Threshold.EXPIRED:
        subject = f"{alert.model_name} has expired ({when})"
        first = f"{alert.model_name} could transcribe until {when}; it no longer can."
    else:
        days = days_left(alert.expires_at, alert.resource)
        subject = f"{alert.model_name} expires in {days} days ({when})"
        first = f"{alert.model_name} can transcribe until {when}, {days} days from now."
    lines = [first]
    if alert.project:
        lines.append(f"Project: {alert.project.display_name} ({alert.resource.region}).")
    if alert.endpoints:
        lines.append(f"Endpoints serving it: {', '.join(alert.endpoints)}.")
        lines.append(FALLBACK_WARNING)
    if alert.custom_model_id:
        lines.append(
            "Retrain on the newest base model from the portal's dashboard; when the new model "
            "tests at least as well, its endpoints can be swapped to it."
        )
    lines.append(f"Dashboard: {settings.PORTAL_URL.rstrip('/')}/")
    return f"[Custom Speech] {subject}", "\n\n".join(lines)


def alert_email(alert_id: int) -> bool:
    """Emails the alert to its team once: the row is claimed before sending, and released again
    if sending fails so the next run tries again."""
    claimed = ExpiryAlert.objects.filter(id=alert_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    alert = ExpiryAlert.objects.select_related("team", "resource", "project").get(id=alert_id)
    recipients = sorted(
        {m.user.email for m in alert.team.memberships.select_related("user") if m.user.email}
    )
    if not recipients:
        return False
    subject, body = alert_text(alert)
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        ExpiryAlert.objects.filter(id=alert_id).update(emailed_at=None)
        raise
    return True


# Retrain and swap ---------------------------------------------------------------------------

ACTIVE = (PlanState.TRAINING, PlanState.TESTING, PlanState.READY)


class PlanRefused(ValueError):
    """The retrain or the swap cannot be done; the message says why."""


def retrain_plan_start(*, model: CustomModel, user) -> RetrainPlan:
    """ "Retrain on the newest base model": same datasets and settings (the training tab's
    action). Asking again while a plan is under way returns that plan."""
    from training import services as training

    if model.project is None:
        raise PlanRefused("Connect the model to a project before retraining it.")
    with transaction.atomic():
        CustomModel.objects.select_for_update().filter(id=model.id).first()
        plan = RetrainPlan.objects.filter(current_model=model, state__in=ACTIVE).first()
        if plan is not None:
            return plan
        try:
            draft = training.retrain(model=model, user=user)
        except training.TrainingRefused as exc:
            raise PlanRefused(str(exc)) from exc
        plan = RetrainPlan.objects.create(
            current_model=model, new_model=draft.model, created_by=user
        )
    audit.record(
        user=user, action=AuditAction.TRAINED, target=draft.model, detail=f"retrain of {model}"
    )
    return plan


def plan_advance(plan_id: int) -> RetrainPlan | None:
    """Moves a plan on from what its models and tests say now; safe to run any number of times."""
    with transaction.atomic():
        plan = (
            RetrainPlan.objects.select_for_update(of=("self",))
            .select_related("current_model__project__team", "new_model")
            .filter(id=plan_id)
            .first()
        )
        if plan is None or plan.new_model is None:
            return plan
        if plan.state == PlanState.TRAINING:
            _after_training(plan)
        elif plan.state == PlanState.TESTING:
            _after_tests(plan)
        plan.save()
    return plan


def _after_training(plan: RetrainPlan) -> None:
    from training import services as training

    new, current = plan.new_model, plan.current_model
    if new.status == "Failed":
        plan.state = PlanState.FAILED
        plan.reason = (new.error or {}).get("message", "Training failed.")
        return
    if new.status != "Succeeded":
        return
    tested = evaluations_of(current).filter(status="Succeeded", deleted_remotely_at__isnull=True)
    dataset_urls = set(tested.values_list("dataset_url", flat=True))
    datasets = Dataset.objects.filter(
        project=current.project, self_url__in=dataset_urls, deleted_remotely_at__isnull=True
    )
    if not datasets:
        plan.state = PlanState.READY
        plan.reason = (
            f"{current} was never tested, so there is nothing to compare with. Test the new "
            "model before you swap."
        )
        return
    evaluations = [
        training.evaluation_create(
            project=current.project,
            model1_url=current.self_url,
            model2_url=new.self_url,
            dataset=dataset,
            display_name=f"{new} vs {current} on {dataset}",
        )
        for dataset in datasets
    ]
    plan.evaluations.set(evaluations)
    plan.state = PlanState.TESTING


def _after_tests(plan: RetrainPlan) -> None:
    evaluations = list(plan.evaluations.all())
    if any(e.status not in ("Succeeded", "Failed") for e in evaluations):
        return
    failed = [e for e in evaluations if e.status == "Failed"]
    if failed:
        plan.state = PlanState.FAILED
        plan.reason = f"The test {failed[0]} failed: " + (failed[0].error or {}).get("message", "")
        return
    names = dict(
        Dataset.objects.filter(self_url__in=[e.dataset_url for e in evaluations]).values_list(
            "self_url", "display_name"
        )
    )
    plan.comparison = [
        {
            "dataset": names.get(e.dataset_url, e.dataset_url),
            "current": e.wer1,
            "new": e.wer2,
            "ok": e.wer1 is not None and e.wer2 is not None and e.wer2 <= e.wer1 + SWAP_TOLERANCE,
        }
        for e in evaluations
    ]
    worse = [c for c in plan.comparison if not c["ok"]]
    if worse:
        plan.state = PlanState.WORSE
        plan.reason = "; ".join(
            f"on {c['dataset']} the new model's WER is {c['new']:.3f} against {c['current']:.3f}"
            for c in worse
        )
        return
    plan.state = PlanState.READY
    plan.reason = (
        "The new model is at least as good on every dataset the current one was tested on."
    )
    if plan.current_model.project.team.auto_swap_endpoints:
        _swap(plan, user=None)


def plan_swap(*, plan: RetrainPlan, user) -> RetrainPlan:
    """The user's "Swap endpoints" on a plan that is ready."""
    with transaction.atomic():
        plan = (
            RetrainPlan.objects.select_for_update(of=("self",))
            .select_related("current_model__project", "new_model")
            .get(id=plan.id)
        )
        if plan.state == PlanState.SWAPPED:
            return plan
        if plan.state != PlanState.READY:
            raise PlanRefused(f"This retrain is not ready to swap: {plan.get_state_display()}.")
        _swap(plan, user=user)
        plan.save()
    return plan


def endpoints_serving(model: CustomModel):
    return Endpoint.objects.filter(
        resource=model.resource, model_url=model.self_url, deleted_remotely_at__isnull=True
    )


def _swap(plan: RetrainPlan, user) -> None:
    from deployments.services import endpoint_swap

    new = plan.new_model
    swapped = []
    for endpoint in endpoints_serving(plan.current_model):
        endpoint_swap(endpoint=endpoint, model_url=new.self_url)
        audit.record(
            user=user,
            action=AuditAction.SWAPPED,
            target=endpoint,
            detail=f"{plan.current_model} → {new}" + ("" if user else " (automatic)"),
        )
        swapped.append(endpoint.display_name)
    plan.state = PlanState.SWAPPED
    plan.swapped_endpoints = swapped
