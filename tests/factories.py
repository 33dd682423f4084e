"""Small factories for test data."""

from __future__ import annotations

from itertools import count

from django.contrib.auth import get_user_model

from portal.models import Membership, Role, Team

_seq = count(1)
PASSWORD = "correct horse battery staple"


def make_user(username: str | None = None, *, staff: bool = False, password: str = PASSWORD):
    username = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(
        username=username, password=password, is_staff=staff
    )


def make_team(name: str | None = None) -> Team:
    return Team.objects.create(name=name or f"Team {next(_seq)}")


def make_member(team: Team, role: str = Role.VIEWER, username: str | None = None):
    user = make_user(username)
    Membership.objects.create(team=team, user=user, role=role)
    return user


def make_project(team_name: str = "Radiology", api: str = "http://speech.test/speechtotext/v3.2"):
    """A team, a local resource row and a project row, with no service behind them: for tests
    of rules and pages over rows."""
    from portal.models import SpeechResource
    from projects.models import Project

    team = make_team(team_name)
    resource = SpeechResource(name="r", kind="local", region="westus", default_team=team)
    resource.set_key("k" * 32)
    resource.save()
    return Project.objects.create(
        resource=resource, team=team, display_name="P", self_url=f"{api}/projects/1"
    )
