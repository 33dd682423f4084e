"""The lifecycle rules on rows: thresholds by the resource's clock, one alert per threshold, and
when a retrained model may replace the current one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lifecycle import services
from lifecycle.models import ExpiryAlert, PlanState, RetrainPlan, Threshold
from portal.models import SpeechResource
from projects.models import Dataset
from tests.factories import make_project
from training.models import CustomModel, Evaluation

pytestmark = pytest.mark.django_db

API = "http://speech.test/speechtotext/v3.2"


@pytest.fixture
def project():
    return make_project()


def model(project, name, days_left: float, n: int) -> CustomModel:
    return CustomModel.objects.create(
        resource=project.resource,
        project=project,
        display_name=name,
        status="Succeeded",
        self_url=f"{API}/models/{n}",
        transcription_until=timezone.now() + timedelta(days=days_left),
    )


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (45, None),
        (30, Threshold.DAYS_30),
        (8, Threshold.DAYS_30),
        (7, Threshold.DAYS_7),
        (0.5, Threshold.DAYS_7),
        (0, Threshold.EXPIRED),
        (-3, Threshold.EXPIRED),
    ],
)
def test_thresholds(days, expected):
    now = timezone.now()
    assert services.threshold_for(now + timedelta(days=days), now) == expected


def test_the_bundled_service_clock_moves_the_count_of_days(project, settings):
    m = model(project, "m", 40, 1)
    assert services.alerts_scan() == []
    settings.LOCALSPEECH_CLOCK_OFFSET_DAYS = 15
    assert [a.threshold for a in services.alerts_scan()] == [Threshold.DAYS_30]
    assert services.alerts_scan() == []  # raised once
    settings.LOCALSPEECH_CLOCK_OFFSET_DAYS = 45
    # Found already expired: only the expired alert, no late 7-day one.
    assert [a.threshold for a in services.alerts_scan()] == [Threshold.EXPIRED]
    assert ExpiryAlert.objects.filter(custom_model=m).count() == 2
    # An Azure resource counts real days.
    SpeechResource.objects.filter(id=project.resource_id).update(kind="azure")
    m.refresh_from_db()
    assert m.expiry == ""


def test_an_alert_is_emailed_once_and_only_to_members_with_an_address(project, mailoutbox):
    from tests.factories import make_member

    make_member(project.team, username="noaddress")
    member = make_member(project.team, username="anna")
    member.email = "anna@example.com"
    member.save()
    model(project, "m", 3, 1)
    (alert,) = services.alerts_scan()
    assert services.alert_email(alert.id) is True
    assert services.alert_email(alert.id) is False
    assert [m.to for m in mailoutbox] == [["anna@example.com"]]
    assert (
        "expires in 2 days" in mailoutbox[0].subject or "expires in 3 days" in mailoutbox[0].subject
    )


def plan_with_results(project, results: list[tuple[float, float]], auto: bool = False):
    project.team.auto_swap_endpoints = auto
    project.team.save()
    current, new = model(project, "v1", 20, 1), model(project, "v2", 700, 2)
    plan = RetrainPlan.objects.create(current_model=current, new_model=new, state=PlanState.TESTING)
    for i, (wer_current, wer_new) in enumerate(results):
        dataset = Dataset.objects.create(
            resource=project.resource,
            project=project,
            display_name=f"set {i}",
            kind="Acoustic",
            status="Succeeded",
            self_url=f"{API}/datasets/{i}",
        )
        plan.evaluations.add(
            Evaluation.objects.create(
                resource=project.resource,
                project=project,
                display_name=f"t{i}",
                status="Succeeded",
                dataset_url=dataset.self_url,
                model1_url=current.self_url,
                model2_url=new.self_url,
                wer1=wer_current,
                wer2=wer_new,
            )
        )
    return plan


def test_a_retrained_model_within_half_a_point_everywhere_is_offered(project):
    plan = plan_with_results(project, [(0.20, 0.204), (0.30, 0.10)])
    plan = services.plan_advance(plan.id)
    assert plan.state == PlanState.READY
    assert [c["ok"] for c in plan.comparison] == [True, True]


def test_worse_on_one_dataset_keeps_the_current_model_and_says_where(project):
    plan = services.plan_advance(plan_with_results(project, [(0.20, 0.10), (0.20, 0.206)]).id)
    assert plan.state == PlanState.WORSE
    assert "on set 1 the new model's WER is 0.206 against 0.200" in plan.reason


def test_a_team_that_opted_in_gets_the_swap_without_asking(project):
    from deployments.models import Endpoint

    plan = plan_with_results(project, [(0.2, 0.2)], auto=True)
    endpoint = Endpoint.objects.create(
        resource=project.resource,
        project=project,
        display_name="E",
        status="Succeeded",
        model_url=plan.current_model.self_url,
        self_url=f"{API}/endpoints/1",
    )
    plan = services.plan_advance(plan.id)
    assert plan.state == PlanState.SWAPPED and plan.swapped_endpoints == ["E"]
    endpoint.refresh_from_db()
    assert endpoint.model_url == plan.new_model.self_url
    # The audit log says the portal did it.
    from portal.models import AuditEvent

    event = AuditEvent.objects.get(action="swapped")
    assert event.username == "" and "(automatic)" in event.detail


def test_an_unfinished_test_waits_and_a_swap_before_ready_is_refused(project):
    plan = plan_with_results(project, [(0.2, 0.2)])
    Evaluation.objects.update(status="Running")
    assert services.plan_advance(plan.id).state == PlanState.TESTING
    with pytest.raises(services.PlanRefused, match="not ready to swap"):
        services.plan_swap(plan=plan, user=None)
