"""The seed documents' curl examples against the bundled service, with only the host and key
changed (and, for the connect example, its missing id and trailing comma fixed)."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import require_tool
from tests.localspeech.conftest import clinic_text, make_speech

pytestmark = pytest.mark.django_db(transaction=True)


def curl(method: str, url: str, key: str, body: str) -> tuple[int, dict]:
    tool = require_tool("curl", "the seed documents' curl examples")
    result = subprocess.run(
        [
            tool,
            "-s",
            "-w",
            "\n%{http_code}",
            "-X",
            method,
            "-H",
            f"Ocp-Apim-Subscription-Key: {key}",
            "-H",
            "Content-Type: application/json",
            "-d",
            body,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    text, _, status = result.stdout.rpartition("\n")
    return int(status), json.loads(text) if text.strip() else {}


def test_the_seed_curl_sequence_creates_copies_and_connects_a_model(speech, live_server):
    project = speech.project()
    dataset = speech.upload("Language", "Clinic notes", clinic_text(), project)
    host = speech.api

    # Create a model (seed body: baseModel null means the default base model).
    status, model = curl(
        "POST",
        f"{host}/models",
        speech.key,
        json.dumps(
            {
                "project": {"self": project["self"]},
                "displayName": "My Model",
                "description": "My Model Description",
                "baseModel": None,
                "datasets": [{"self": dataset["self"]}],
                "locale": "en-US",
            }
        ),
    )
    assert status == 201, model
    assert model["baseModel"]["self"].startswith(f"{host}/models/base/")
    assert speech.wait(model["self"])["status"] == "Succeeded"

    # Copy with the older body, as printed (note the space after the closing brace).
    target = make_speech(live_server, region="eastus")
    model_id = model["self"].rsplit("/", 1)[-1]
    body = f'{{\n  "targetSubscriptionKey": "{target.key}"\n}} '
    status, copied = curl("POST", f"{host}/models/{model_id}:copy", speech.key, body)
    assert status == 202, copied
    assert copied["status"] in ("NotStarted", "Succeeded")
    assert target.wait(copied["self"])["status"] == "Succeeded"

    # Connect it to a project on the target: the seed's example as printed gets a clear 400 ...
    target_project = target.project("Copied models")
    printed = '{{\n  "project": {{\n    "self": "{}"\n  }},\n}}'.format(target_project["self"])
    status, error = curl("PATCH", f"{target.api}/models", target.key, printed)
    assert status == 400
    assert "needs the id in the URL" in error["message"]
    assert "trailing comma" in error["message"]

    # ... and works once the model id is in the URL and the comma is gone.
    fixed = '{{\n  "project": {{\n    "self": "{}"\n  }}\n}}'.format(target_project["self"])
    status, connected = curl("PATCH", copied["self"], target.key, fixed)
    assert status == 200, connected
    assert connected["project"]["self"] == target_project["self"]
    listed = target.client.get(f"{target_project['self']}/models").json()["values"]
    assert [m["self"] for m in listed] == [copied["self"]]
