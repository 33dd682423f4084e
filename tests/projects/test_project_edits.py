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
