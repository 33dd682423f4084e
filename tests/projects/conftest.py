from __future__ import annotations

import pytest

from portal.models import Role
from projects import services
from projects.models import Project
from tests.conftest import wait_until
from tests.factories import make_member, make_team
from tests.portal.test_resources import register


@pytest.fixture
def team():
    return make_team("Cardiology")


@pytest.fixture
def editor(team):
    return make_member(team, Role.EDITOR, username="editor")


@pytest.fixture
def resource(live_server, team):
    return register(live_server, team)


@pytest.fixture
def project(resource, team, celery_worker, celery_beat) -> Project:
    created = services.project_create(
        team=team, resource=resource, display_name="Clinic", locale="en-US"
    )
    return wait_until(
        lambda: Project.objects.filter(id=created.id, remote_id__isnull=False).first()
    )
