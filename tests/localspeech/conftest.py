"""Fixtures for the bundled speech service: resources with keys, an HTTP client on the live
server, test data built from the committed clinic fixtures, and a receiver for web hooks."""

from __future__ import annotations

import base64
import io
import json
import threading
import time
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from localspeech.services.keys import resource_create

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "clinic"


@pytest.fixture(autouse=True)
def _private_urls_allowed(settings):
    # The live server and the receiver listen on 127.0.0.1.
    settings.LOCALSPEECH_ALLOW_PRIVATE_URLS = True


@dataclass
class Speech:
    base: str
    key: str
    resource: object
    client: httpx.Client

    @property
    def api(self) -> str:
        return f"{self.base}/speechtotext/v3.2"

    def wait(self, url: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        body: dict = {}
        while time.monotonic() < deadline:
            body = self.client.get(url).json()
            if body.get("status") in ("Succeeded", "Failed"):
                return body
            time.sleep(0.3)
        pytest.fail(f"{url} did not finish within {timeout} s: {body}")

    def project(self, name: str = "Clinic") -> dict:
        response = self.client.post("/projects", json={"displayName": name, "locale": "en-US"})
        assert response.status_code == 201, response.text
        return response.json()

    def create_model(
        self, name: str, datasets: list[dict], project: dict | None = None, base: dict | None = None
    ) -> httpx.Response:
        """POST /models: a custom model from the datasets, on `base` (the service's newest base
        model when None), in the project if one is given."""
        body: dict = {
            "displayName": name,
            "locale": "en-US",
            "datasets": [{"self": d["self"]} for d in datasets],
        }
        if project:
            body["project"] = {"self": project["self"]}
        if base:
            body["baseModel"] = {"self": base["self"]}
        return self.client.post("/models", json=body)

    def upload(
        self, kind: str, name: str, data: bytes, project: dict | None = None, block: int = 1 << 20
    ) -> dict:
        body = {"kind": kind, "displayName": name, "locale": "en-US"}
        if project:
            body["project"] = {"self": project["self"]}
        dataset = self.client.post("/datasets", json=body)
        assert dataset.status_code == 201, dataset.text
        dataset = dataset.json()
        ids = []
        for index in range(0, max(len(data), 1), block):
            block_id = base64.b64encode(f"{index:012d}".encode()).decode()
            response = self.client.put(
                dataset["links"]["uploadBlocks"],
                params={"blockid": block_id},
                content=data[index : index + block],
            )
            assert response.status_code == 201, response.text
            ids.append(block_id)
        response = self.client.post(
            dataset["links"]["commitBlocks"], json=[{"kind": "Latest", "id": i} for i in ids]
        )
        assert response.status_code == 200, response.text
        return self.wait(dataset["self"])


def make_speech(live_server, region: str = "westus", name: str | None = None) -> Speech:
    resource, key = resource_create(name=name or f"local-{region}", region=region)
    client = httpx.Client(
        base_url=f"{live_server.url}/speechtotext/v3.2",
        headers={"Ocp-Apim-Subscription-Key": key},
        timeout=60,
    )
    return Speech(live_server.url, key, resource, client)


@pytest.fixture
def speech(live_server, transactional_db, celery_worker) -> Speech:
    return make_speech(live_server)


def clinic_acoustic_zip(
    names: list[str] | None = None,
    extra: dict[str, bytes] | None = None,
    transcript: str | None = None,
) -> bytes:
    lines = (FIXTURES / "test-sentences.txt").read_text().splitlines()
    wanted = [line for line in lines if line and (names is None or line.split("\t")[0] in names)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "trans.txt", transcript if transcript is not None else "\n".join(wanted) + "\n"
        )
        for line in wanted:
            name = line.split("\t")[0]
            archive.write(FIXTURES / "audio" / name, name)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def clinic_text() -> bytes:
    return (FIXTURES / "language.txt").read_bytes()


@dataclass
class Receiver:
    """A web hook receiver and a small file server on 127.0.0.1."""

    url: str
    events: list[dict] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    answer_challenge: bool = True

    def wait_for(self, event: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for item in self.events:
                if item["event"] == event:
                    return item
            time.sleep(0.1)
        pytest.fail(f"no {event} event within {timeout} s; got {[e['event'] for e in self.events]}")


@pytest.fixture
def receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            content = state.files.get(urlsplit(self.path).path)
            self.send_response(200 if content is not None else 404)
            self.end_headers()
            if content is not None:
                self.wfile.write(content)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            event = self.headers.get("X-MicrosoftSpeechServices-Event", "")
            state.events.append(
                {
                    "event": event,
                    "body": json.loads(body or b"{}"),
                    "raw": body,
                    "signature": self.headers.get("X-MicrosoftSpeechServices-Signature"),
                }
            )
            token = parse_qs(urlsplit(self.path).query).get("validationToken", [""])[0]
            self.send_response(200)
            self.end_headers()
            if event == "challenge" and state.answer_challenge:
                self.wfile.write(token.encode())

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
