"""The REST client's error mapping and retry policy, on an injected transport (no network)."""

from __future__ import annotations

import httpx
import pytest

from portal.speech.client import SpeechClient
from portal.speech.errors import SpeechNotFound, SpeechPermanentError, SpeechTransientError

KEY = "0123456789abcdef0123456789abcdef"


def client_for(handler, sleeps: list[float] | None = None) -> SpeechClient:
    waits = sleeps if sleeps is not None else []
    return SpeechClient(
        resource_id=1,
        management_url="https://westus.api.cognitive.microsoft.com",
        key=KEY,
        transport=httpx.MockTransport(handler),
        sleep=waits.append,
    )


def answers(*responses: httpx.Response):
    queue = list(responses)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return queue.pop(0)

    return handler, seen


def test_it_waits_out_429_as_long_as_retry_after_says():
    handler, seen = answers(
        httpx.Response(429, headers={"Retry-After": "7"}, json={"code": "TooManyRequests"}),
        httpx.Response(200, json={"values": []}),
    )
    sleeps: list[float] = []
    client = client_for(handler, sleeps)
    assert list(client.projects_list()) == []
    assert len(seen) == 2 and sleeps[0] >= 7
    assert seen[0].headers["Ocp-Apim-Subscription-Key"] == KEY
    assert client.throttled == 1


def test_it_retries_a_read_on_5xx_but_never_re_sends_a_create():
    handler, seen = answers(httpx.Response(503), httpx.Response(200, json={"values": []}))
    assert list(client_for(handler).projects_list()) == []
    assert len(seen) == 2
    handler, seen = answers(httpx.Response(503), httpx.Response(201, json={}))
    with pytest.raises(SpeechTransientError):
        client_for(handler).project_create({"displayName": "x", "locale": "en-US"})
    assert len(seen) == 1


def test_a_create_is_re_sent_after_429_because_it_was_refused():
    handler, seen = answers(
        httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(201, json={"self": "x"})
    )
    assert client_for(handler).project_create({"displayName": "x"}) == {"self": "x"}
    assert len(seen) == 2


def test_other_4xx_are_never_retried_and_carry_the_apis_message():
    body = {
        "code": "InvalidArgument",
        "message": "'locale' is required.",
        "innerError": {"code": "InvalidLocale"},
    }
    handler, seen = answers(httpx.Response(400, json=body))
    with pytest.raises(SpeechPermanentError) as caught:
        client_for(handler).project_create({})
    assert caught.value.message == "'locale' is required."
    assert caught.value.code == "InvalidLocale"
    assert len(seen) == 1


def test_a_refused_key_says_what_to_check_without_the_key():
    handler, _ = answers(
        httpx.Response(401, json={"code": "Unauthorized", "message": "Access denied."})
    )
    with pytest.raises(SpeechPermanentError) as caught:
        list(client_for(handler).projects_list())
    assert "The key was refused (401)" in caught.value.message
    assert KEY not in caught.value.message


def test_404_is_not_found():
    handler, _ = answers(httpx.Response(404, json={"code": "NotFound", "message": "gone"}))
    with pytest.raises(SpeechNotFound):
        client_for(handler).entity_get(
            "https://westus.api.cognitive.microsoft.com/speechtotext/v3.2/models/x"
        )


def test_timeouts_are_transient_and_retried_a_bounded_number_of_times():
    calls = []

    def handler(request):
        calls.append(request)
        raise httpx.ConnectTimeout("slow", request=request)

    with pytest.raises(SpeechTransientError, match="did not answer in time"):
        list(client_for(handler).projects_list())
    assert len(calls) == 4


def test_paging_follows_next_link_but_never_to_another_host():
    base = "https://westus.api.cognitive.microsoft.com/speechtotext/v3.2"
    handler, seen = answers(
        httpx.Response(200, json={"values": [1], "@nextLink": f"{base}/projects?skip=1&top=1"}),
        httpx.Response(200, json={"values": [2]}),
    )
    assert list(client_for(handler).projects_list()) == [1, 2]
    assert str(seen[1].url) == f"{base}/projects?skip=1&top=1"
    handler, _ = answers(
        httpx.Response(200, json={"values": [], "@nextLink": "https://evil.example/steal"})
    )
    with pytest.raises(SpeechPermanentError, match="Refusing to send the key to another host"):
        list(client_for(handler).projects_list())
