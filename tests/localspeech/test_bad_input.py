"""Bad input gets the API's Error body with a precise message, or a Failed dataset with the
reason and a report; the service keeps serving everything else."""

from __future__ import annotations

import io
import wave
import zipfile
from datetime import UTC, datetime

import httpx
import pytest

from tests.localspeech.conftest import FIXTURES, clinic_acoustic_zip, clinic_text

pytestmark = pytest.mark.django_db(transaction=True)


def _error(response: httpx.Response, status: int = 400) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"code", "message"}
    return body


def test_a_missing_or_unknown_key_is_refused(speech):
    url = f"{speech.api}/projects"
    assert "Missing the Ocp-Apim-Subscription-Key" in _error(httpx.get(url), 401)["message"]
    assert (
        _error(httpx.get(url, headers={"Ocp-Apim-Subscription-Key": "nope"}), 401)["code"]
        == "Unauthorized"
    )


def test_malformed_json_says_where(speech):
    body = _error(speech.client.post("/projects", content=b'{"displayName": "x",}'))
    assert body["code"] == "InvalidRequest"
    assert "line 1, column 21" in body["message"]
    assert "trailing comma" in body["message"]


def test_wrong_types_and_missing_fields_name_the_field(speech):
    body = _error(speech.client.post("/projects", json={"displayName": 5, "locale": "en-US"}))
    assert body["message"] == "'displayName' must be a string, not int."
    assert body["target"] == "displayName"
    assert (
        "'locale' is required"
        in _error(speech.client.post("/projects", json={"displayName": "x"}))["message"]
    )
    body = _error(speech.client.post("/projects", json={"displayName": "x", "locale": "xx-YY"}))
    assert body["innerError"]["code"] == "InvalidLocale"


def test_an_entity_must_have_its_projects_locale(speech):
    project = speech.project()
    body = _error(
        speech.client.post(
            "/datasets",
            json={
                "kind": "Language",
                "displayName": "x",
                "locale": "de-DE",
                "project": {"self": project["self"]},
            },
        )
    )
    assert body["innerError"]["code"] == "InvalidLocale"


def test_content_urls_must_be_http_and_public(speech, settings):
    body = {
        "kind": "Language",
        "displayName": "x",
        "locale": "en-US",
        "contentUrl": "ftp://example.com/a.txt",
    }
    assert (
        "must be an http or https URL, not 'ftp'"
        in _error(speech.client.post("/datasets", json=body))["message"]
    )
    settings.LOCALSPEECH_ALLOW_PRIVATE_URLS = False
    body["contentUrl"] = "http://127.0.0.1:9/a.txt"
    assert (
        "private or local address (127.0.0.1)"
        in _error(speech.client.post("/datasets", json=body))["message"]
    )


def test_an_unreachable_content_url_fails_the_dataset_with_the_reason(speech):
    created = speech.client.post(
        "/datasets",
        json={
            "kind": "Language",
            "displayName": "x",
            "locale": "en-US",
            "contentUrl": "http://127.0.0.1:9/missing.txt",
        },
    ).json()
    result = speech.wait(created["self"])
    assert result["status"] == "Failed"
    assert result["properties"]["error"]["message"].startswith("Could not fetch the content")
    assert speech.client.get("/projects").status_code == 200  # the service keeps serving


def test_an_empty_text_file_fails_with_the_reason(speech):
    result = speech.upload("Language", "empty", b"\n\n")
    assert result["status"] == "Failed"
    assert "is empty" in result["properties"]["error"]["message"]


def _report(speech, dataset: dict) -> dict:
    files = speech.client.get(dataset["links"]["files"]).json()["values"]
    report = next(f for f in files if f["kind"] == "DatasetReport")
    return httpx.get(report["links"]["contentUrl"]).json()


def test_a_zip_with_missing_and_extra_audio_lists_each_problem(speech):
    lines = (FIXTURES / "test-sentences.txt").read_text().splitlines()[:3]
    transcript = "\n".join([*lines, "ghost.wav\tthis file is not in the zip"]) + "\n"
    data = clinic_acoustic_zip(
        ["clinic01.wav", "clinic02.wav", "clinic03.wav"],
        transcript=transcript,
        extra={"untranscribed.wav": (FIXTURES / "audio" / "clinic04.wav").read_bytes()},
    )
    result = speech.upload("Acoustic", "partly broken", data)
    assert result["status"] == "Succeeded"
    assert result["properties"]["acceptedLineCount"] == 3
    assert result["properties"]["rejectedLineCount"] == 2
    reasons = {(r["file"], r["line"]): r["reason"] for r in _report(speech, result)["rejected"]}
    assert reasons[("trans.txt", 4)] == "ghost.wav is not in the zip"
    assert reasons[("untranscribed.wav", None)] == "has no line in trans.txt"


def _stereo_44k() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(44100)
        out.writeframes(b"\x00\x01" * 2 * 44100)
    return buffer.getvalue()


def test_a_wav_of_the_wrong_format_is_rejected_with_its_format(speech):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("trans.txt", "loud.wav\thello there\n")
        archive.writestr("loud.wav", _stereo_44k())
    result = speech.upload("Acoustic", "wrong format", buffer.getvalue())
    assert result["status"] == "Failed"
    message = result["properties"]["error"]["message"]
    assert message == (
        "audio.zip: no audio file has a usable transcript. "
        "First problem: loud.wav: 2 channels; it must be mono."
    )


def test_a_kind_the_base_model_cannot_adapt_with_is_refused(speech):
    markdown = speech.upload(
        "LanguageMarkdown",
        "structured",
        b"@ list drug =\n- metoprolol\n- apixaban\n\nstart {drug} today\n",
    )
    assert markdown["status"] == "Succeeded"
    older = speech.client.get("/models/base").json()["values"][1]
    assert "LanguageMarkdown" not in older["properties"]["features"]["supportsAdaptationsWith"]
    body = _error(speech.create_model("x", [markdown], base=older))
    assert body["innerError"]["code"] == "InvalidAdaptationMapping"
    assert "cannot adapt with LanguageMarkdown data" in body["message"]


def test_a_base_model_past_its_adaptation_date_is_refused(speech):
    text = speech.upload("Language", "notes", clinic_text())
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    expired = next(
        m
        for m in speech.client.get("/models/base").json()["values"]
        if m["properties"]["deprecationDates"]["adaptationDateTime"] < now
    )
    body = _error(speech.create_model("x", [text], base=expired))
    assert body["innerError"]["code"] == "ModelDeprecated"
    assert "can no longer be used for training" in body["message"]


def test_a_block_over_8_mib_is_refused(speech):
    dataset = speech.client.post(
        "/datasets", json={"kind": "Language", "displayName": "x", "locale": "en-US"}
    ).json()
    response = speech.client.put(
        dataset["links"]["uploadBlocks"],
        params={"blockid": "AAA="},
        content=b"a" * (8 * 1024 * 1024 + 1),
    )
    assert "at most 8 MiB" in _error(response, 413)["message"]


def test_an_id_of_another_resource_is_not_found(speech, live_server):
    from tests.localspeech.conftest import make_speech

    project = speech.project()
    other = make_speech(live_server, region="eastus")
    assert _error(other.client.get(project["self"]), 404)["code"] == "NotFound"
    assert speech.client.get(project["self"]).status_code == 200


def test_the_quota_answers_429_with_retry_after(speech, settings):
    settings.LOCALSPEECH_REQUESTS_PER_WINDOW = 3
    settings.LOCALSPEECH_WINDOW_SECONDS = 3600  # no window boundary falls inside the test
    statuses = [speech.client.get("/projects").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    limited = speech.client.get("/projects")
    assert 1 <= int(limited.headers["Retry-After"]) <= 3600
    assert limited.json()["code"] == "TooManyRequests"


def test_recognition_with_a_model_id_as_cid_says_it_wants_an_endpoint_id(speech):
    response = httpx.post(
        f"{speech.base}/speech/recognition/conversation/cognitiveservices/v1",
        params={"language": "en-US", "cid": "00000000-0000-0000-0000-000000000000"},
        headers={"Ocp-Apim-Subscription-Key": speech.key},
        content=(FIXTURES / "audio" / "clinic01.wav").read_bytes(),
    )
    assert "cid must be an endpoint id, not a model id" in _error(response)["message"]
