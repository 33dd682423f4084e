"""The demo workspace: made through the portal's own services and tasks, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from deployments.models import Endpoint
from portal.models import DemoSeed
from projects.models import Project
from tests.conftest import wait_until
from training.models import CustomModel

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_ready(live_server, celery_worker, settings):
    settings.DEBUG = True  # the demo login is for development only
    call_command("demo_user")
    call_command("register_local_resource", "--url", live_server.url, "--region", "westus")
    call_command("register_local_resource", "--url", live_server.url, "--region", "westeurope")
    settings.DEBUG = False
    call_command("seed_demo")
    return wait_until(
        lambda: (
            DemoSeed.objects.filter(step="done").first()
            or DemoSeed.objects.exclude(error="").first()
        ),
        timeout=150,
    )


def test_seeding_twice_leaves_one_project_model_and_endpoint(demo_ready):
    assert demo_ready.error == ""
    call_command("seed_demo")
    call_command("register_local_resource", "--region", "westus")
    assert Project.objects.count() == CustomModel.objects.count() == Endpoint.objects.count() == 1
    evaluation = demo_ready.evaluation
    assert evaluation.properties["wordErrorRate2"] < evaluation.properties["wordErrorRate1"]


def test_a_deleted_demo_is_made_again_only_with_force(demo_ready):
    from portal import sync

    sync.entity_delete("projects", demo_ready.project_id)  # as the project page's Delete does
    call_command("seed_demo")
    assert DemoSeed.objects.get().project is None and Project.objects.count() == 0
    call_command("seed_demo", "--force")
    seed = wait_until(lambda: DemoSeed.objects.filter(step="done").first(), timeout=150)
    assert seed.project is not None and Project.objects.count() == 1


def test_a_failed_demo_shows_its_reason_and_the_portal_goes_on(client, live_server, celery_worker):
    from portal.demo import demo_start
    from portal.models import Role
    from tests.factories import make_member, make_team
    from tests.portal.test_resources import register

    team = make_team("Demo team")
    broken = register(live_server, team, key="f" * 32)  # a key the service does not know
    demo_start(team=team, resource=broken)
    seed = wait_until(lambda: DemoSeed.objects.exclude(error="").first(), timeout=60)
    assert "The key was refused (401)" in seed.error
    client.force_login(make_member(team, Role.VIEWER))
    page = client.get("/").content.decode()
    assert "The demo could not be finished" in page and "The key was refused" in page
