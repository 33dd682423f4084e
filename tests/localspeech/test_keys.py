from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from localspeech.models import ResourceKey

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("localspeech", *args, stdout=out)
    return out.getvalue().strip()


def test_createkey_prints_only_the_key_and_stores_its_digest():
    key = _run("createkey", "--region", "westus")
    assert len(key) == 32 and key.isalnum()
    stored = ResourceKey.objects.get()
    assert key not in (stored.digest, stored.last4 * 8)
    assert stored.last4 == key[-4:]


def test_showkey_prints_the_stable_resource_as_json():
    key = _run("createkey", "--region", "westeurope", "--name", "lab")
    first = json.loads(_run("showkey", key, "--json"))
    second = json.loads(_run("showkey", key, "--json"))
    assert first == second
    assert first["region"] == "westeurope" and first["name"] == "lab"
    assert first["managementBaseUrl"].endswith("/speechtotext/v3.2")
    assert key not in json.dumps(first)


def test_a_resource_holds_two_keys_and_rotation_drops_the_oldest():
    first = _run("createkey", "--region", "westus")
    second = _run("addkey", first)
    info = json.loads(_run("showkey", second, "--json"))
    assert len(info["keys"]) == 2
    third = _run("addkey", second)
    with pytest.raises(CommandError, match="No resource has this key"):
        _run("showkey", first)
    assert json.loads(_run("showkey", third, "--json"))["id"] == info["id"]


def test_a_bad_region_is_refused():
    with pytest.raises(CommandError, match="--region 'west us'"):
        _run("createkey", "--region", "west us")
