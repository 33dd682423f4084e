"""Expiry alerts with the bundled service's clock moved, and retrain-and-swap end to end."""

from __future__ import annotations

import pytest
from django.utils import timezone

from deployments import services as deployments
from deployments.models import Endpoint
from lifecycle import tasks
from lifecycle.models import ExpiryAlert, PlanState, RetrainPlan, Threshold
from portal import sync
from portal.models import AuditEvent
from tests.conftest import wait_until
from tests.localspeech.conftest import clinic_acoustic_zip, clinic_text
from tests.training.test_train_and_test import train, uploaded
from training.models import BaseModel, CustomModel, Evaluation

pytestmark = pytest.mark.django_db(transaction=True)


def trained(client, project, base, datasets, name, test=None) -> CustomModel:
    train(client, project, base, datasets, name, test=test)
    return wait_until(
        lambda: CustomModel.objects.filter(
            display_name=name, status="Succeeded", transcription_until__isnull=False
        ).first(),
        timeout=120,
    )


def deployed(project, model, name) -> Endpoint:
    endpoint = deployments.endpoint_create(
        project=project, model_url=model.self_url, display_name=name, description="", logging=False
    )
    return wait_until(
        lambda: Endpoint.objects.filter(id=endpoint.id, status="Succeeded").first(), timeout=60
    )


def scan_and_settle(mailoutbox, expected_mails: int) -> None:
    tasks.alerts_scan.delay()
    wait_until(lambda: len(mailoutbox) >= expected_mails, timeout=30)
    tasks.alerts_scan.delay()  # a second scan raises nothing new
    wait_until(lambda: not ExpiryAlert.objects.filter(emailed_at__isnull=True).exists())


def test_a_model_20_days_from_expiry_alerts_once_at_30_then_once_at_7_days(
    client, editor, project, settings, mailoutbox
):
    editor.email = "editor@example.com"
    editor.save()
    client.force_login(editor)
    sync.resource_sync(project.resource, full=True)
    text = uploaded(client, project, "Language", "notes.txt", clinic_text(), "Clinic notes")
    newest = BaseModel.objects.filter(resource=project.resource).order_by("-remote_created_at")[0]
    model = trained(client, project, newest, [text], "Clinic model")
    deployed(project, model, "Clinic endpoint")
    days = (model.transcription_until - timezone.now()).days

    # Nothing is due while the model has years left.
    tasks.alerts_scan.delay()
    assert not ExpiryAlert.objects.exists()

    settings.LOCALSPEECH_CLOCK_OFFSET_DAYS = days - 20  # the service's clock: 20 days left
    scan_and_settle(mailoutbox, 1)
    alerts = list(ExpiryAlert.objects.all())
    assert [a.threshold for a in alerts] == [Threshold.DAYS_30]
    assert alerts[0].endpoints == ["Clinic endpoint"]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["editor@example.com"]
    assert "Clinic model expires in 20 days" in mail.subject
    assert "silently falls back to the newest base model" in mail.body

    dashboard = client.get("/").content.decode()
    assert f'id="expiring-{model.id}"' in dashboard and "20 days" in dashboard
    assert "Retrain on the newest base model" in dashboard
    page = client.get(f"/projects/{project.id}/models/{model.id}/").content.decode()
    assert "expires soon" in page

    settings.LOCALSPEECH_CLOCK_OFFSET_DAYS = days - 5
    scan_and_settle(mailoutbox, 2)
    thresholds = sorted(ExpiryAlert.objects.values_list("threshold", flat=True))
    assert thresholds == sorted([Threshold.DAYS_30, Threshold.DAYS_7])
    assert len(mailoutbox) == 2 and "expires in 5 days" in mailoutbox[1].subject

    settings.LOCALSPEECH_CLOCK_OFFSET_DAYS = days + 1
    scan_and_settle(mailoutbox, 3)
    assert ExpiryAlert.objects.count() == 3 and len(mailoutbox) == 3
    assert "has expired" in mailoutbox[2].subject
    endpoint_page = client.get(
        f"/projects/{project.id}/endpoints/{Endpoint.objects.get().id}/"
    ).content.decode()
    assert "expired" in endpoint_page and "falls back to the newest base model" in endpoint_page


def test_retrain_on_the_newest_base_model_then_swap_the_endpoint(client, editor, project):
    client.force_login(editor)
    sync.resource_sync(project.resource, full=True)
    text = uploaded(client, project, "Language", "notes.txt", clinic_text(), "Clinic notes")
    tests = uploaded(
        client, project, "Acoustic", "test.zip", clinic_acoustic_zip(), "Clinic test set"
    )
    bases = BaseModel.objects.filter(resource=project.resource).order_by("-remote_created_at")
    older, newest = bases[1], bases[0]
    current = trained(client, project, older, [text], "Clinic v1", test=tests)
    wait_until(
        lambda: Evaluation.objects.filter(draft__model=current, status="Succeeded").exists(),
        timeout=120,
    )
    endpoint = deployed(project, current, "Clinic endpoint")

    response = client.post(f"/projects/{project.id}/models/{current.id}/retrain/")
    plan = RetrainPlan.objects.get(current_model=current)
    assert response.status_code == 302 and plan.new_model.base_model_url == newest.self_url
    client.post(f"/projects/{project.id}/models/{current.id}/retrain/")  # asking twice: one plan
    assert RetrainPlan.objects.count() == 1

    plan = wait_until(
        lambda: RetrainPlan.objects.filter(
            id=plan.id, state__in=[PlanState.READY, PlanState.WORSE, PlanState.FAILED]
        ).first(),
        timeout=240,
    )
    assert plan.state == PlanState.READY, plan.reason
    assert [c["dataset"] for c in plan.comparison] == ["Clinic test set"]
    assert plan.comparison[0]["new"] <= plan.comparison[0]["current"] + 0.005
    assert Endpoint.objects.get(id=endpoint.id).model_url == current.self_url  # offered, not done

    page = client.post(f"/lifecycle/plans/{plan.id}/swap/", follow=True).content.decode()
    assert f"Swapped Clinic endpoint to {plan.new_model.display_name}" in page
    new_url = plan.new_model.self_url
    wait_until(
        lambda: Endpoint.objects.filter(
            id=endpoint.id, raw__model__self=new_url, status="Succeeded"
        ).exists(),
        timeout=60,
    )
    actions = set(AuditEvent.objects.values_list("action", "target_kind"))
    assert {("trained", "model"), ("swapped", "endpoint"), ("uploaded", "dataset")} <= actions
    log = client.get("/audit/?action=swapped").content.decode()
    assert "Clinic endpoint" in log and "Clinic notes" not in log
