"""Editing, deleting and connecting, each as a task against the bundled speech service."""

from __future__ import annotations

import httpx
import pytest

from portal import sync
from portal.models import Role
from projects.models import Dataset, Project
from tests.conftest import wait_until
from tests.factories import make_member

pytestmark = pytest.mark.django_db(transaction=True)


def remote(resource, url: str) -> httpx.Response:
    return httpx.get(url, headers={"Ocp-Apim-Subscription-Key": resource.key()})


def test_renaming_a_project_renames_it_on_the_resource(client, editor, project):
    client.force_login(editor)
    response = client.post(
        f"/projects/{project.id}/edit/",
        {"display_name": "Clinic dictation", "description": "Notes"},
    )
    assert response.status_code == 302
    wait_until(
        lambda: (
            remote(project.resource, project.self_url).json()["displayName"] == "Clinic dictation"
        )
    )
    assert Project.objects.get(id=project.id).description == "Notes"


def test_a_dataset_made_elsewhere_is_connected(client, editor, project):
    resource = project.resource
    made = httpx.post(
        f"{resource.management_url}/speechtotext/v3.2/datasets",
        headers={"Ocp-Apim-Subscription-Key": resource.key()},
        json={"kind": "Language", "displayName": "From spx", "locale": "en-US"},
    ).json()
    sync.resource_sync(resource, full=True)
    loose = Dataset.objects.get(display_name="From spx")
    client.force_login(editor)
    assert "From spx" in client.get(f"/projects/{project.id}/?tab=datasets").content.decode()
    client.post(
        f"/projects/{project.id}/connect/", {"kind": "datasets", "id": loose.id, "tab": "datasets"}
    )
    wait_until(lambda: Dataset.objects.filter(id=loose.id, project=project).exists())
    assert remote(resource, made["self"]).json()["project"]["self"] == project.self_url


def test_deleting_a_dataset_and_a_project(client, editor, project, team):
    resource = project.resource
    made = httpx.post(
        f"{resource.management_url}/speechtotext/v3.2/datasets",
        headers={"Ocp-Apim-Subscription-Key": resource.key()},
        json={
            "kind": "Language",
            "displayName": "Old notes",
            "locale": "en-US",
            "project": {"self": project.self_url},
        },
    ).json()
    sync.resource_sync(resource, full=True)
    dataset = Dataset.objects.get(display_name="Old notes")
    client.force_login(editor)
    client.post(f"/projects/{project.id}/datasets/{dataset.id}/delete/")
    wait_until(lambda: not Dataset.objects.filter(id=dataset.id).exists())
    assert remote(resource, made["self"]).status_code == 404

    assert client.post(f"/projects/{project.id}/delete/").status_code == 403  # team admins only
    client.force_login(make_member(team, Role.ADMIN))
    client.post(f"/projects/{project.id}/delete/")
    wait_until(lambda: not Project.objects.filter(id=project.id).exists())
    assert remote(resource, project.self_url).status_code == 404


def test_an_editor_creates_a_project_on_a_resource_of_the_team(
    client, editor, resource, team, celery_worker
):
    client.force_login(editor)
    page = client.get("/projects/").content.decode()
    assert "Create a project" in page
    response = client.post(
        "/projects/",
        {
            "team": team.id,
            "resource": resource.id,
            "display_name": "Radiology",
            "locale": "en-US",
            "description": "",
        },
    )
    assert response.status_code == 302
    project = wait_until(
        lambda: Project.objects.filter(display_name="Radiology", remote_id__isnull=False).first()
    )
    assert project.team == team and not project.in_flight
    assert remote(resource, project.self_url).json()["displayName"] == "Radiology"
    assert "Creating on the resource" not in client.get(f"/projects/{project.id}/").content.decode()


def test_a_resource_of_another_team_cannot_be_chosen(client, editor, live_server):
    from tests.factories import make_team
    from tests.portal.test_resources import register

    foreign = register(live_server, make_team("Other"), name="Foreign")
    client.force_login(editor)
    response = client.post(
        "/projects/",
        {
            "team": editor.teams.first().id,
            "resource": foreign.id,
            "display_name": "x",
            "locale": "en-US",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Project.objects.filter(display_name="x").exists()
