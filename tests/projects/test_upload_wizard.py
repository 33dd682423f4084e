"""The upload wizard over a real socket: the portal validates, then sends blocks to the bundled
speech service; each of the six kinds arrives and succeeds."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import Dataset, DatasetUpload
from tests.conftest import wait_until
from tests.localspeech.conftest import FIXTURES, clinic_acoustic_zip, clinic_text

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLES = {
    "Language": ("notes.txt", clinic_text()),
    "Acoustic": ("clinic.zip", clinic_acoustic_zip(["clinic01.wav", "clinic02.wav"])),
    "AudioFiles": ("audio.zip", None),
    "Pronunciation": ("words.txt", (FIXTURES / "pronunciation.txt").read_bytes()),
    "LanguageMarkdown": (
        "drugs.md",
        b"@ list drug =\n- metoprolol\n- apixaban\n\n#Orders\nstart {drug} today\n",
    ),
    "OutputFormatting": ("rules.md", b"#rewrite\nmetoprolol succinate\tMetoprolol Succinate\n"),
}


def _audio_only() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(FIXTURES / "audio" / "clinic03.wav", "clinic03.wav")
    return buffer.getvalue()


def walk(client, project, kind: str, name: str, content: bytes, display: str) -> DatasetUpload:
    response = client.post(f"/projects/{project.id}/datasets/new/")
    upload_url = response["Location"]
    upload = DatasetUpload.objects.get(project=project, kind="")
    assert client.post(upload_url, {"kind": kind})["Location"].endswith("/new/source/")
    response = client.post(
        f"/projects/uploads/{upload.id}/new/source/", {"file": SimpleUploadedFile(name, content)}
    )
    assert response["Location"].endswith("/new/validation/")
    upload = wait_until(
        lambda: DatasetUpload.objects.filter(id=upload.id, report__isnull=False).first()
    )
    assert upload.report["status"] == "Succeeded", upload.report
    response = client.post(
        f"/projects/uploads/{upload.id}/new/details/", {"display_name": display, "description": "d"}
    )
    assert response.status_code == 302, response.content
    return upload


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_each_kind_uploads_and_succeeds(client, editor, project, kind):
    client.force_login(editor)
    name, content = SAMPLES[kind]
    upload = walk(client, project, kind, name, content or _audio_only(), f"{kind} data")
    upload = wait_until(
        lambda: DatasetUpload.objects.filter(id=upload.id, state="uploaded").first(), timeout=60
    )
    assert upload.bytes_sent == upload.bytes_total > 0
    dataset = wait_until(
        lambda: Dataset.objects.filter(
            id=upload.dataset_id, status__in=["Succeeded", "Failed"]
        ).first(),
        timeout=60,
    )
    assert dataset.status == "Succeeded", dataset.properties
    assert dataset.kind == kind and dataset.project == project
    page = client.get(f"/projects/{project.id}/?tab=datasets").content.decode()
    assert f"{kind} data" in page


def test_rejected_lines_are_shown_and_left_out_when_continuing(client, editor, project):
    client.force_login(editor)
    text = clinic_text() + b"see https://example.com for more\nyes yes yes yes\n"
    upload = walk(client, project, "Language", "notes.txt", text, "Notes, cleaned")
    page = client.get(f"/projects/uploads/{upload.id}/").content.decode()
    assert "Notes, cleaned" in page
    upload = wait_until(
        lambda: DatasetUpload.objects.filter(id=upload.id, state="uploaded").first(), timeout=60
    )
    dataset = wait_until(
        lambda: Dataset.objects.filter(id=upload.dataset_id, status="Succeeded").first(), timeout=60
    )
    assert dataset.properties["acceptedLineCount"] == 48
    assert dataset.properties["rejectedLineCount"] == 0  # the portal left them out before sending


def test_a_viewer_cannot_upload_and_an_outsider_sees_nothing(client, project, team):
    from portal.models import Role
    from tests.factories import make_member, make_team

    client.force_login(make_member(team, Role.VIEWER))
    assert client.post(f"/projects/{project.id}/datasets/new/").status_code == 403
    client.force_login(make_member(make_team("Other")))
    assert client.get(f"/projects/{project.id}/").status_code == 404
