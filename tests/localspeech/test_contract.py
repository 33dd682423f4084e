"""Every operation of the v3.2 definition, called over a real socket; each answer validates
against the definition's schema and carries the keys of its example response."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.localspeech.conftest import FIXTURES, clinic_acoustic_zip, clinic_text, make_speech
from tests.localspeech.contract import Contract

pytestmark = pytest.mark.django_db(transaction=True)
WAV = (FIXTURES / "audio" / "clinic01.wav").read_bytes()


def _ref(body: dict) -> dict:
    return {"self": body["self"]}


def test_every_operation_answers_in_the_definitions_shapes(speech, receiver, live_server):
    contract = Contract()
    c = speech.client
    check = contract.check

    for kind in ("projects", "datasets", "models", "evaluations", "endpoints", "transcriptions"):
        check(c.get(f"/{kind}/locales"))

    # Projects
    extras = {"description": "d", "customProperties": {"team": "cardiology"}}
    project = check(
        c.post("/projects", json={"displayName": "Clinic", "locale": "en-US", **extras})
    ).json()
    other = check(c.post("/projects", json={"displayName": "Other", "locale": "en-US"})).json()
    check(c.get("/projects", params={"top": 1}))
    check(c.get(project["self"]))
    check(c.patch(project["self"], json={"description": "Clinic dictation"}))

    # Datasets: from a contentUrl, by blocks, and by the multipart upload
    receiver.files["/language.txt"] = clinic_text()
    receiver.files["/audio.wav"] = WAV
    text = check(
        c.post(
            "/datasets",
            json={
                "kind": "Language",
                "displayName": "Clinic text",
                "locale": "en-US",
                **extras,
                "contentUrl": f"{receiver.url}/language.txt",
                "project": _ref(project),
            },
        )
    ).json()
    acoustic = check(
        c.post(
            "/datasets",
            json={
                "kind": "Acoustic",
                "displayName": "Clinic test",
                "locale": "en-US",
                **extras,
                "project": _ref(project),
            },
        )
    ).json()
    check(
        c.put(
            acoustic["links"]["uploadBlocks"],
            params={"blockid": "AAA="},
            content=clinic_acoustic_zip(["clinic01.wav", "clinic02.wav"]),
        )
    )
    check(c.get(acoustic["links"]["listBlocks"]))
    check(c.post(acoustic["links"]["commitBlocks"], json=[{"kind": "Latest", "id": "AAA="}]))
    uploaded = check(
        c.post(
            "/datasets/upload",
            data={
                "displayName": "Clinic pronunciations",
                "locale": "en-US",
                "kind": "Pronunciation",
                "description": "d",
                "customProperties": '{"team": "cardiology"}',
                "project": project["self"],
            },
            files={"data": ("pronunciation.txt", (FIXTURES / "pronunciation.txt").read_bytes())},
        )
    ).json()
    for dataset in (text, acoustic, uploaded):
        assert speech.wait(dataset["self"])["status"] == "Succeeded"
    check(c.get("/datasets", params={"top": 1}))
    check(c.get(text["self"]))
    check(c.patch(text["self"], json={"description": "Notes from the clinic"}))
    files = check(c.get(text["links"]["files"], params={"top": 1})).json()
    check(c.get(files["values"][0]["self"]))

    # Models
    bases = check(c.get("/models/base", params={"top": 2})).json()
    base = bases["values"][0]
    check(c.get(base["self"]))
    check(c.get(base["links"]["manifest"]))
    model = check(
        c.post(
            "/models",
            json={
                "displayName": "Clinic model",
                "locale": "en-US",
                "baseModel": _ref(base),
                **extras,
                "datasets": [_ref(text), _ref(uploaded)],
                "project": _ref(project),
            },
        )
    ).json()
    second = check(
        c.post(
            "/models",
            json={
                "displayName": "Text model",
                "locale": "en-US",
                "datasets": [_ref(text)],
                "project": _ref(project),
                **extras,
            },
        )
    ).json()
    assert speech.wait(model["self"])["status"] == "Succeeded"
    assert speech.wait(second["self"])["status"] == "Succeeded"
    check(c.get("/models", params={"top": 1}))
    check(c.get(model["self"]))
    check(c.patch(model["self"], json={"description": "Trained on clinic notes"}))
    check(c.get(model["links"]["manifest"]))
    model_files = check(c.get(model["links"]["files"], params={"top": 1})).json()
    check(c.get(model_files["values"][0]["self"]))

    # Evaluations
    evaluation = check(
        c.post(
            "/evaluations",
            json={
                "displayName": "Base vs clinic",
                "locale": "en-US",
                **extras,
                "project": _ref(project),
                "model1": _ref(base),
                "model2": _ref(model),
                "dataset": _ref(acoustic),
            },
        )
    ).json()
    single = check(
        c.post(
            "/evaluations",
            json={
                "displayName": "Clinic alone",
                "locale": "en-US",
                **extras,
                "project": _ref(project),
                "model1": _ref(model),
                "model2": _ref(model),
                "dataset": _ref(acoustic),
            },
        )
    ).json()
    assert speech.wait(evaluation["self"])["status"] == "Succeeded"
    assert speech.wait(single["self"])["status"] == "Succeeded"
    check(c.get("/evaluations", params={"top": 1}))
    check(c.get(evaluation["self"]))
    check(c.patch(evaluation["self"], json={"description": "First test"}))
    evaluation_files = check(c.get(evaluation["links"]["files"], params={"top": 2})).json()
    check(c.get(evaluation_files["values"][0]["self"]))

    # Endpoints, recognition and logs
    endpoint_body = {
        "locale": "en-US",
        **extras,
        "project": _ref(project),
        "properties": {"loggingEnabled": True, "timeToLive": "PT30M"},
    }
    endpoint = check(
        c.post("/endpoints", json={"displayName": "Clinic", "model": _ref(model), **endpoint_body})
    ).json()
    second_endpoint = check(
        c.post("/endpoints", json={"displayName": "Base", "model": _ref(base), **endpoint_body})
    ).json()
    assert speech.wait(endpoint["self"])["status"] == "Succeeded"
    assert speech.wait(second_endpoint["self"])["status"] == "Succeeded"
    check(c.get("/endpoints", params={"top": 1}))
    check(c.get(endpoint["self"]))
    check(c.patch(endpoint["self"], json={"properties": {"contentLoggingEnabled": True}}))
    headers = {"Ocp-Apim-Subscription-Key": speech.key, "Content-Type": "audio/wav"}
    for _ in range(2):
        recognized = httpx.post(
            endpoint["links"]["restConversation"] + "&language=en-US", headers=headers, content=WAV
        )
        assert recognized.status_code == 200, recognized.text
        base_recognized = httpx.post(
            f"{speech.base}/speech/recognition/conversation/cognitiveservices/v1?language=en-US&storeAudio=true",
            headers=headers,
            content=WAV,
        )
        assert base_recognized.status_code == 200, base_recognized.text
    logs = check(c.get(endpoint["links"]["logs"], params={"top": 1})).json()
    check(c.get(logs["values"][0]["self"]))
    check(c.delete(logs["values"][0]["self"]))
    check(c.delete(endpoint["links"]["logs"]))
    base_logs = check(c.get("/endpoints/base/en-US/files/logs", params={"top": 1})).json()
    check(c.get(base_logs["values"][0]["self"]))
    check(c.delete(base_logs["values"][0]["self"]))
    check(c.delete("/endpoints/base/en-US/files/logs"))

    # Transcriptions
    transcription = check(
        c.post(
            "/transcriptions",
            json={
                "displayName": "Dictation",
                "locale": "en-US",
                **extras,
                "project": _ref(project),
                "model": _ref(model),
                "contentUrls": [f"{receiver.url}/audio.wav"],
                "properties": {"wordLevelTimestampsEnabled": True},
            },
        )
    ).json()
    assert speech.wait(transcription["self"])["status"] == "Succeeded"
    check(c.get("/transcriptions", params={"top": 1}))
    check(c.get(transcription["self"]))
    check(c.patch(transcription["self"], json={"description": "Morning dictation"}))
    transcription_files = check(c.get(transcription["links"]["files"], params={"top": 1})).json()
    check(c.get(transcription_files["values"][0]["self"]))

    # Per-project lists
    for kind in ("evaluations", "datasets", "endpoints", "models", "transcriptions"):
        check(c.get(project["links"][kind], params={"top": 1}))

    # Web hooks
    hook_body = {
        "webUrl": receiver.url + "/hook",
        "events": {"modelCompletion": True, "ping": True},
        "description": "d",
        "properties": {"secret": "s3cret"},
    }
    hook = check(c.post("/webhooks", json={"displayName": "Hook", **hook_body})).json()
    check(c.post("/webhooks", json={"displayName": "Hook 2", **hook_body}))
    assert speech.wait(hook["self"])["status"] == "Succeeded"
    check(c.get("/webhooks", params={"top": 1}))
    check(c.get(hook["self"]))
    check(c.patch(hook["self"], json={"description": "Completion events"}))
    check(c.post(hook["links"]["ping"]))
    check(c.post(hook["links"]["test"]))
    check(c.delete(hook["self"]))

    # Copy to another resource in another region
    target = make_speech(live_server, region="westeurope")
    authorization = check(
        target.client.post(
            "/models:authorizecopy", json={"sourceResourceId": speech.resource.resource_id}
        )
    ).json()
    operation = check(c.post(model["links"]["copy"], json=authorization)).json()
    check(c.get(operation["self"]))

    # Deletes
    check(c.delete(evaluation["self"]))
    check(c.delete(transcription["self"]))
    check(c.delete(endpoint["self"]))
    check(c.delete(second_endpoint["self"]))
    deadline = time.monotonic() + 30
    while (
        c.get(operation["self"]).json()["status"] not in ("Succeeded", "Failed")
        and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    check(c.delete(second["self"]))
    check(c.delete(single["self"]))
    check(c.delete(acoustic["self"]))
    check(c.delete(other["self"]))

    assert contract.uncovered() == []
    assert len(contract.covered) == 75
