"""Speech resources against the bundled speech service over a real socket: registration,
Test connection, sync of what was made elsewhere, polling, budgets and idempotent creates."""

from __future__ import annotations

import subprocess
import time

import pytest
from django.test import Client

from localspeech.services.keys import resource_create
from portal import sync
from portal.models import Health, Role, SpeechResource
from portal.speech.client import SpeechClient
from projects import services as project_services
from projects.models import Project
from tests.conftest import require_tool, wait_until
from tests.factories import make_member, make_team, make_user
from tests.localspeech.conftest import clinic_text, make_speech
from training.models import BaseModel, CustomModel

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team():
    return make_team("Cardiology")


@pytest.fixture
def staff(client: Client, team):
    user = make_user("admin", staff=True)
    client.force_login(user)
    return user


def register(
    live_server,
    team,
    key: str | None = None,
    name: str = "Local westus",
    region: str = "westus",
    **extra,
) -> SpeechResource:
    arm_id = ""
    if key is None:
        local, key = resource_create(name=name, region=region)
        arm_id = local.resource_id
    resource = SpeechResource(
        name=name,
        kind="local",
        region=region,
        arm_id=arm_id,
        management_url=live_server.url,
        recognition_url=live_server.url,
        default_team=team,
        **extra,
    )
    resource.set_key(key)
    resource.save()
    resource.teams.add(team)
    return resource


def curl_json(method: str, url: str, key: str, body: str | None = None) -> dict:
    import json

    tool = require_tool("curl", "making entities the way a user's script would")
    args = [tool, "-s", "-X", method, "-H", f"Ocp-Apim-Subscription-Key: {key}"]
    if body is not None:
        args += ["-H", "Content-Type: application/json", "-d", body]
    return json.loads(
        subprocess.run([*args, url], capture_output=True, text=True, check=True, timeout=30).stdout
    )


def test_staff_register_a_resource_and_test_its_connection(
    client, staff, team, live_server, celery_worker
):
    _, key = resource_create(name="bundled", region="westus")
    response = client.post(
        "/resources/new/",
        {
            "name": "Local westus",
            "kind": "local",
            "region": "westus",
            "management_url": live_server.url,
            "api_version": "v3.2",
            "key": key,
            "teams": [team.id],
            "default_team": team.id,
            "budget_requests": 100,
            "budget_seconds": 10,
        },
    )
    assert response.status_code == 302, response.content
    resource = SpeechResource.objects.get()
    assert key not in resource.encrypted_key and resource.key() == key
    resource = wait_until(
        lambda: (
            SpeechResource.objects.exclude(health=Health.CHECKING)
            .filter(health_checked_at__isnull=False)
            .first()
        )
    )
    assert resource.health == Health.OK, resource.health_message
    assert "base models" in resource.health_message
    page = client.get(f"/resources/{resource.id}/").content.decode()
    assert key not in page and "••••" + key[-4:] in page


def test_a_bad_key_and_an_unreachable_host_are_explained(team, live_server):
    wrong = register(live_server, team, key="f" * 32)
    health, message = sync.resource_test(wrong)
    assert health == Health.FAILED
    assert message.startswith("The key was refused (401).") and "f" * 32 not in message
    nowhere = register(live_server, team, name="Nowhere")
    SpeechResource.objects.filter(id=nowhere.id).update(management_url="http://127.0.0.1:9")
    nowhere.refresh_from_db()
    health, message = sync.resource_test(nowhere)
    assert health == Health.FAILED and message.startswith("Cannot reach 127.0.0.1:9")


def test_the_admin_console_is_404_for_members_who_are_not_staff(client, team, live_server):
    resource = register(live_server, team)
    client.force_login(make_member(team, Role.ADMIN))
    assert client.get("/resources/").status_code == 404
    assert client.get(f"/resources/{resource.id}/").status_code == 404


def test_a_key_rotation_keeps_everything_else(client, staff, team, live_server, celery_worker):
    resource = register(live_server, team)
    old_key = resource.key()
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("localspeech", "addkey", old_key, stdout=out)
    new_key = out.getvalue().strip()
    form = {
        "name": resource.name,
        "kind": "local",
        "region": "westus",
        "management_url": live_server.url,
        "api_version": "v3.2",
        "key": new_key,
        "teams": [team.id],
        "default_team": team.id,
        "budget_requests": 100,
        "budget_seconds": 10,
    }
    assert client.post(f"/resources/{resource.id}/edit/", form).status_code == 302
    resource.refresh_from_db()
    assert resource.key() == new_key and resource.name == "Local westus"
    assert wait_until(
        lambda: SpeechResource.objects.filter(id=resource.id, health=Health.OK).exists()
    )


def test_sync_imports_what_curl_made_into_the_default_team_and_marks_deletions(team, live_server):
    resource = register(live_server, team)
    key, api = resource.key(), f"{live_server.url}/speechtotext/v3.2"
    made = curl_json(
        "POST", f"{api}/projects", key, '{"displayName": "Made with curl", "locale": "en-US"}'
    )
    report = sync.resource_sync(resource)
    assert report.full
    project = Project.objects.get(remote_id=made["self"].rsplit("/", 1)[-1])
    assert project.team == team and project.display_name == "Made with curl"
    assert BaseModel.objects.filter(resource=resource).count() == 10

    dataset = curl_json(
        "POST",
        f"{api}/datasets",
        key,
        '{"kind": "Language", "displayName": "no project", "locale": "en-US"}',
    )
    resource.refresh_from_db()
    incremental = sync.resource_sync(resource, full=False)
    assert not incremental.full and incremental.seen["datasets"] == 1
    from projects.models import Dataset

    assert Dataset.objects.get(remote_id=dataset["self"].rsplit("/", 1)[-1]).project is None

    subprocess.run(
        [
            require_tool("curl", "curl"),
            "-s",
            "-X",
            "DELETE",
            "-H",
            f"Ocp-Apim-Subscription-Key: {key}",
            made["self"],
        ],
        check=True,
    )
    resource.refresh_from_db()
    sync.resource_sync(resource, full=True)
    project.refresh_from_db()
    assert project.deleted_remotely_at is not None


@pytest.mark.parametrize("list_threshold", [10, 0], ids=["one GET each", "one listing"])
def test_in_flight_models_are_polled_until_they_finish(
    team, live_server, celery_worker, settings, list_threshold
):
    settings.PORTAL_POLL_LIST_THRESHOLD = list_threshold
    resource = register(live_server, team)
    speech = make_speech(live_server, region="westus")
    speech.client.headers["Ocp-Apim-Subscription-Key"] = resource.key()
    text = speech.upload("Language", "notes", clinic_text())
    created = speech.client.post(
        "/models",
        json={"displayName": "Clinic", "locale": "en-US", "datasets": [{"self": text["self"]}]},
    ).json()
    sync.resource_sync(resource)
    model = CustomModel.objects.get(remote_id=created["self"].rsplit("/", 1)[-1])
    from portal.tasks import poll_due

    def finished():
        poll_due.delay()
        time.sleep(0.5)
        model.refresh_from_db()
        return model.status == "Succeeded"

    wait_until(finished, timeout=60)
    assert model.transcription_until is not None and model.next_poll_at is None


def test_a_budget_that_fits_the_quota_is_never_throttled(team, live_server, settings):
    settings.LOCALSPEECH_REQUESTS_PER_WINDOW = 5
    settings.LOCALSPEECH_WINDOW_SECONDS = 2
    # One request of margin: a request counted at the end of a window here can arrive at the
    # start of the next one there.
    resource = register(live_server, team, budget_requests=4, budget_seconds=2)
    with SpeechClient.for_resource(resource) as client:
        start = time.monotonic()
        report = sync.resource_sync(resource, client=client)
        elapsed = time.monotonic() - start
    assert report.requests > 5  # more than one window's worth
    assert client.throttled == 0
    assert elapsed >= 2 * (report.requests // 4 - 1)


def test_a_resource_that_throttles_is_waited_on(team, live_server, settings):
    settings.LOCALSPEECH_REQUESTS_PER_WINDOW = 3
    settings.LOCALSPEECH_WINDOW_SECONDS = 2
    resource = register(live_server, team, budget_requests=100, budget_seconds=10)
    with SpeechClient.for_resource(resource) as client:
        report = sync.resource_sync(resource, client=client)
    assert client.throttled >= 1  # the service said 429 and the client waited its Retry-After
    assert report.seen["projects"] == 0 and report.seen["base models"] == 10


def test_a_create_task_run_twice_makes_one_remote_project(team, live_server):
    resource = register(live_server, team)
    project = Project.objects.create(
        team=team, resource=resource, display_name="Once", locale="en-US"
    )
    project_services.project_create_remote(project=project)
    Project.objects.filter(id=project.id).update(remote_id=None)  # the first answer was lost
    project.refresh_from_db()
    again = project_services.project_create_remote(project=project)
    assert again.id == project.id and again.remote_id is not None
    with SpeechClient.for_resource(resource) as client:
        assert [p["displayName"] for p in client.projects_list()] == ["Once"]
