"""Deploy models and Copy to, end to end against the bundled speech service."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from deployments.models import CopyOperation, Endpoint, TryIt
from portal import sync
from projects import services as project_services
from projects.models import Project
from tests.conftest import wait_until
from tests.localspeech.conftest import FIXTURES, clinic_text
from tests.portal.test_resources import register
from tests.training.test_train_and_test import newest_base, train, uploaded
from training.models import CustomModel

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def trained(client, editor, project) -> CustomModel:
    client.force_login(editor)
    sync.resource_sync(project.resource, full=True)
    text = uploaded(client, project, "Language", "notes.txt", clinic_text(), "Clinic notes")
    train(client, project, newest_base(project), [text], "Clinic model")
    return wait_until(
        lambda: CustomModel.objects.filter(display_name="Clinic model", status="Succeeded").first(),
        timeout=90,
    )


def test_deploy_swap_try_it_and_see_the_log(client, project, trained):
    base = newest_base(project)
    response = client.post(
        f"/projects/{project.id}/endpoints/new/",
        {"display_name": "Clinic", "model": base.self_url, "logging": "1"},
    )
    endpoint = Endpoint.objects.get(display_name="Clinic")
    assert response["Location"] == f"/projects/{project.id}/endpoints/{endpoint.id}/"
    endpoint = wait_until(
        lambda: Endpoint.objects.filter(id=endpoint.id, status="Succeeded").first(), timeout=60
    )
    endpoint_id = endpoint.remote_id

    client.post(
        f"/projects/{project.id}/endpoints/{endpoint.id}/change/",
        {"action": "swap", "model": trained.self_url},
    )
    endpoint = wait_until(
        lambda: Endpoint.objects.filter(
            id=endpoint.id, status="Succeeded", model_url=trained.self_url
        ).first(),
        timeout=60,
    )
    assert endpoint.remote_id == endpoint_id  # same endpoint, new model
    remote = httpx.get(
        endpoint.self_url, headers={"Ocp-Apim-Subscription-Key": project.resource.key()}
    ).json()
    assert remote["model"]["self"] == trained.self_url
    page = client.get(f"/projects/{project.id}/endpoints/{endpoint.id}/").content.decode()
    assert f"cid={endpoint_id}" in page and str(endpoint_id) in page

    audio = (FIXTURES / "audio" / "clinic06.wav").read_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        f"/projects/{project.id}/endpoints/{endpoint.id}/try/",
        {"audio": SimpleUploadedFile("clip.wav", audio)},
    )
    attempt = wait_until(
        lambda: TryIt.objects.filter(
            endpoint=endpoint, endpoint_result__isnull=False, base_result__isnull=False
        ).first(),
        timeout=60,
    )
    assert "metformin" in attempt.endpoint_result["NBest"][0]["Lexical"]
    assert attempt.endpoint_result["DisplayText"] != attempt.base_result["DisplayText"]

    client.post(f"/projects/{project.id}/endpoints/{endpoint.id}/change/", {"action": "logs"})
    endpoint = wait_until(
        lambda: Endpoint.objects.filter(id=endpoint.id, logs__isnull=False).first(), timeout=30
    )
    assert any("Metformin" in (log.get("text") or "") for log in endpoint.logs)
    assert httpx.get(endpoint.logs[0]["audio"]).content == audio

    # Make a test set from the log, with the transcript corrected, through the upload wizard.
    name = endpoint.logs[0]["name"]
    page = client.post(
        f"/projects/{project.id}/endpoints/{endpoint.id}/test-set/", {"logs": [name]}
    ).content.decode()
    assert "Write what was really said" in page
    response = client.post(
        f"/projects/{project.id}/endpoints/{endpoint.id}/test-set/",
        {
            "logs": [name],
            "confirm": "1",
            f"text-{name}": "Metformin continued for diabetes with diet.",
        },
    )
    upload_id = response["Location"].split("/uploads/")[1].split("/")[0]
    from projects.models import Dataset, DatasetUpload

    upload = wait_until(
        lambda: DatasetUpload.objects.filter(id=upload_id, report__isnull=False).first(), timeout=60
    )
    assert upload.report["status"] == "Succeeded" and upload.report["acceptedLineCount"] == 1
    client.post(
        f"/projects/uploads/{upload_id}/new/details/", {"display_name": "From the endpoint"}
    )
    wait_until(
        lambda: Dataset.objects.filter(
            display_name="From the endpoint", status="Succeeded"
        ).exists(),
        timeout=60,
    )

    client.post(
        f"/projects/{project.id}/endpoints/{endpoint.id}/change/",
        {"action": "log_delete", "name": name},
    )
    wait_until(
        lambda: not any(log["name"] == name for log in Endpoint.objects.get(id=endpoint.id).logs)
    )
    headers = {"Ocp-Apim-Subscription-Key": project.resource.key()}
    remaining = httpx.get(f"{endpoint.self_url}/files/logs", headers=headers).json()["values"]
    assert not any(f["name"].startswith(name) for f in remaining)


def test_copy_to_another_region_connects_the_same_files(
    client, project, trained, team, live_server
):
    target = register(live_server, team, name="Local westeurope", region="westeurope")
    created = project_services.project_create(
        team=team, resource=target, display_name="Europe", locale="en-US"
    )
    europe = wait_until(
        lambda: Project.objects.filter(id=created.id, remote_id__isnull=False).first()
    )

    response = client.post(f"/projects/{project.id}/models/{trained.id}/copy/")
    copy = CopyOperation.objects.get()
    assert response["Location"] == f"/copies/{copy.id}/new/region/"
    assert "westeurope" in client.get(f"/copies/{copy.id}/new/region/").content.decode()
    client.post(f"/copies/{copy.id}/new/region/", {"region": "westeurope"})
    client.post(f"/copies/{copy.id}/new/resource/", {"resource": target.id})
    assert client.get(f"/copies/{copy.id}/new/resource/").status_code == 200  # Back keeps the draft
    client.post(f"/copies/{copy.id}/new/project/", {"project": europe.id})
    assert client.post(f"/copies/{copy.id}/new/confirm/")["Location"] == f"/copies/{copy.id}/"
    copy = wait_until(
        lambda: CopyOperation.objects.filter(id=copy.id, state__in=["succeeded", "failed"]).first(),
        timeout=90,
    )
    assert copy.state == "succeeded", copy.error
    copied = copy.target_model
    assert copied.project == europe and copied.resource == target

    def digests(resource, url):
        headers = {"Ocp-Apim-Subscription-Key": resource.key()}
        files = httpx.get(f"{url}/files", headers=headers).json()["values"]
        return sorted(
            (f["name"], hashlib.sha256(httpx.get(f["links"]["contentUrl"]).content).hexdigest())
            for f in files
        )

    assert digests(target, copied.self_url) == digests(project.resource, trained.self_url)
    page = client.get(f"/projects/{europe.id}/models/{copied.id}/").content.decode()
    assert "Copied from" in page and "Clinic model" in page
