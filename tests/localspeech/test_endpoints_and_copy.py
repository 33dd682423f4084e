"""Endpoints (deploy, recognize, swap the model keeping the id, logs), copy between regions,
web hooks, and what expiry does to an endpoint."""

from __future__ import annotations

import base64
import hashlib
import hmac

import httpx
import pytest
from django.core import signing

from tests.localspeech.conftest import FIXTURES, clinic_text, make_speech

pytestmark = pytest.mark.django_db(transaction=True)
WAV = (
    FIXTURES / "audio" / "clinic06.wav"
).read_bytes()  # "Metformin continued for diabetes with diet."


def _train(speech, name: str = "Clinic", project: dict | None = None) -> dict:
    text = speech.upload("Language", "Clinic notes", clinic_text(), project)
    model = speech.create_model(name, [text], project).json()
    return speech.wait(model["self"])


def _recognize(speech, endpoint: dict, detailed: bool = True) -> dict:
    url = (
        endpoint["links"]["restConversation"]
        + "&language=en-US"
        + ("&format=detailed" if detailed else "")
    )
    response = httpx.post(
        url,
        headers={
            "Ocp-Apim-Subscription-Key": speech.key,
            "Content-Type": "audio/wav; codecs=audio/pcm; samplerate=16000",
        },
        content=WAV,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_an_endpoint_serves_its_model_swaps_it_keeping_its_id_and_logs(speech):
    model = _train(speech)
    base = speech.client.get("/models/base").json()["values"][0]
    endpoint = speech.client.post(
        "/endpoints",
        json={
            "displayName": "Clinic",
            "locale": "en-US",
            "model": {"self": base["self"]},
            "properties": {"loggingEnabled": False},
        },
    ).json()
    assert speech.wait(endpoint["self"])["status"] == "Succeeded"
    before = _recognize(speech, endpoint)
    assert before["RecognitionStatus"] == "Success"
    assert {"Offset", "Duration", "DisplayText", "NBest"} <= set(before)
    assert set(before["NBest"][0]) == {"Confidence", "Lexical", "ITN", "MaskedITN", "Display"}

    swapped = speech.client.patch(
        endpoint["self"],
        json={"model": {"self": model["self"]}, "properties": {"contentLoggingEnabled": True}},
    )
    assert swapped.status_code == 200, swapped.text
    assert swapped.json()["self"] == endpoint["self"]
    after = speech.wait(endpoint["self"])
    assert after["model"]["self"] == model["self"]
    assert after["properties"]["loggingEnabled"] is True
    result = _recognize(speech, endpoint)
    assert "metformin continued for diabetes" in result["NBest"][0]["Lexical"]
    assert result["DisplayText"][0].isupper() and result["DisplayText"].endswith(".")

    logs = speech.client.get(endpoint["links"]["logs"]).json()["values"]
    assert sorted(f["kind"] for f in logs) == ["Audio", "Transcription"]
    audio = next(f for f in logs if f["kind"] == "Audio")
    assert httpx.get(audio["links"]["contentUrl"]).content == WAV
    forged = audio["links"]["contentUrl"][:-3] + "abc"
    assert httpx.get(forged).status_code == 403

    in_use = speech.client.delete(model["self"])
    assert in_use.status_code == 409 and "deployed to endpoint" in in_use.json()["message"]


def test_an_endpoint_past_its_models_date_falls_back_to_the_base_model(speech, settings):
    model = _train(speech)
    endpoint = speech.client.post(
        "/endpoints",
        json={"displayName": "Clinic", "locale": "en-US", "model": {"self": model["self"]}},
    ).json()
    assert speech.wait(endpoint["self"])["status"] == "Succeeded"
    custom = _recognize(speech, endpoint)["NBest"][0]["Lexical"]
    settings.LOCALSPEECH_CLOCK_OFFSET_DAYS = 3 * 365
    fallback = _recognize(speech, endpoint)["NBest"][0]["Lexical"]
    assert fallback != custom
    base = speech.client.get("/models/base").json()["values"][0]
    direct = httpx.post(
        f"{speech.base}/speech/recognition/conversation/cognitiveservices/v1?language=en-US&format=detailed",
        headers={"Ocp-Apim-Subscription-Key": speech.key},
        content=WAV,
    ).json()
    assert fallback == direct["NBest"][0]["Lexical"]
    assert (
        base["properties"]["deprecationDates"]["transcriptionDateTime"] > model["createdDateTime"]
    )


def test_a_model_copies_to_another_region_with_the_same_files(speech, live_server):
    model = _train(speech)
    target = make_speech(live_server, region="westeurope")
    target_project = target.project("Europe")
    auth = target.client.post(
        "/models:authorizecopy", json={"sourceResourceId": speech.resource.resource_id}
    )
    assert auth.status_code == 200, auth.text
    auth = auth.json()
    assert auth["targetResourceRegion"] == "westeurope"
    started = speech.client.post(model["links"]["copy"], json=auth)
    assert started.status_code == 202, started.text
    assert started.headers["Operation-Location"] == started.json()["self"]
    again = speech.client.post(model["links"]["copy"], json=auth)
    assert again.json()["id"] == started.json()["id"]  # a retried copy is the same copy
    operation = speech.wait(started.json()["self"])
    assert operation["status"] == "Succeeded"
    copy_url = operation["result"]["link"]
    assert speech.client.get(copy_url).status_code == 404  # it lives on the target
    connected = target.client.patch(copy_url, json={"project": {"self": target_project["self"]}})
    assert connected.status_code == 200, connected.text
    copied = target.wait(copy_url)
    assert copied["status"] == "Succeeded"
    assert copied["properties"]["deprecationDates"] == model["properties"]["deprecationDates"]

    def digests(client, url):
        files = client.get(f"{url}/files").json()["values"]
        return sorted(
            (f["name"], hashlib.sha256(httpx.get(f["links"]["contentUrl"]).content).hexdigest())
            for f in files
        )

    assert digests(target.client, copy_url) == digests(speech.client, model["self"])
    assert [
        m["self"] for m in target.client.get(f"{target_project['self']}/models").json()["values"]
    ] == [copy_url]

    expired_auth = {**auth, "id": "00000000-0000-0000-0000-000000000000"}
    refused = speech.client.post(model["links"]["copy"], json=expired_auth)
    assert (
        refused.status_code == 400 and "ask the target for a new one" in refused.json()["message"]
    )


def test_web_hooks_are_challenged_and_get_signed_events(speech, receiver):
    hook = speech.client.post(
        "/webhooks",
        json={
            "displayName": "Completions",
            "webUrl": f"{receiver.url}/hook",
            "events": {"modelCompletion": True, "datasetCompletion": True},
            "properties": {"secret": "s3cret"},
        },
    ).json()
    assert speech.wait(hook["self"])["status"] == "Succeeded"
    assert receiver.wait_for("challenge")
    assert hook["properties"]["secret"] == "••••et"
    _train(speech)
    event = receiver.wait_for("modelCompletion")
    assert event["body"]["status"] == "Succeeded"
    expected = base64.b64encode(hmac.new(b"s3cret", event["raw"], hashlib.sha256).digest()).decode()
    assert event["signature"] == expected

    receiver.answer_challenge = False
    silent = speech.client.post(
        "/webhooks",
        json={"displayName": "Silent", "webUrl": f"{receiver.url}/x", "events": {"ping": True}},
    ).json()
    failed = speech.wait(silent["self"])
    assert failed["status"] == "Failed"
    assert "without echoing the validation token" in failed["properties"]["error"]["message"]


def test_content_tokens_expire(speech, settings):
    from localspeech.storage import sign_path, unsign_path

    path = settings.LOCALSPEECH_DATA_DIR / "x.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x")
    token = sign_path(path, seconds=1)
    assert unsign_path(token) == path.resolve()
    import time

    time.sleep(2.1)
    with pytest.raises(signing.SignatureExpired):
        unsign_path(token)
