from __future__ import annotations

import pytest

from portal.models import Membership, Role
from tests.factories import make_member, make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team("Acoustics")


def test_login_with_a_wrong_password_says_so(client):
    make_user("alice")
    response = client.post("/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_pages_need_a_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_unknown_url_gets_the_not_found_page(client):
    client.force_login(make_user())
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_a_member_sees_the_team(client, team):
    client.force_login(make_member(team, Role.VIEWER))
    response = client.get(f"/teams/{team.id}/")
    assert response.status_code == 200
    assert b"Acoustics" in response.content


def test_an_outsider_gets_404_for_another_teams_page(client, team):
    client.force_login(make_member(make_team("Other")))
    assert client.get(f"/teams/{team.id}/").status_code == 404


def test_a_viewer_cannot_add_members(client, team):
    client.force_login(make_member(team, Role.VIEWER))
    make_user("bob")
    response = client.post(f"/teams/{team.id}/", {"username": "bob", "role": "editor"})
    assert response.status_code == 403
    assert b"needs the Team admin role" in response.content
    assert not Membership.objects.filter(user__username="bob").exists()


def test_a_team_admin_adds_and_promotes_a_member(client, team):
    client.force_login(make_member(team, Role.ADMIN))
    make_user("bob")
    response = client.post(f"/teams/{team.id}/", {"username": "bob", "role": "viewer"})
    assert response.status_code == 302
    membership = Membership.objects.get(team=team, user__username="bob")
    client.post(f"/teams/{team.id}/members/{membership.id}/", {"role": "editor"})
    membership.refresh_from_db()
    assert membership.role == Role.EDITOR


def test_adding_an_unknown_user_says_who(client, team):
    client.force_login(make_member(team, Role.ADMIN))
    response = client.post(f"/teams/{team.id}/", {"username": "ghost", "role": "viewer"})
    assert response.status_code == 200
    assert b"No user is called &#x27;ghost&#x27;." in response.content


def test_the_last_admin_cannot_leave(client, team):
    admin = make_member(team, Role.ADMIN)
    client.force_login(admin)
    membership = Membership.objects.get(user=admin)
    response = client.post(
        f"/teams/{team.id}/members/{membership.id}/", {"action": "remove"}, follow=True
    )
    assert b"A team needs at least one team admin" in response.content
    assert Membership.objects.filter(id=membership.id).exists()


def test_only_staff_create_teams(client):
    client.force_login(make_user())
    assert client.post("/teams/", {"name": "New"}).status_code == 403
    client.force_login(make_user(staff=True))
    response = client.post("/teams/", {"name": "New"})
    assert response.status_code == 302


def test_speech_resources_are_for_staff_only(client):
    assert client.get("/resources/").status_code == 302  # to the login page
    client.force_login(make_user())
    assert client.get("/resources/").status_code == 404
    client.force_login(make_user(staff=True))
    assert client.get("/resources/").status_code == 200


def test_the_demo_login_is_refused_outside_development(settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("demo_user")


def test_the_demo_login_is_created_once(settings, client):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("demo_user")
    call_command("demo_user")
    assert client.login(username="demo", password="demo")
    assert Membership.objects.filter(user__username="demo", role=Role.ADMIN).count() == 1


def test_projects_are_listed_for_their_team_only(client):
    from portal.models import SpeechResource
    from projects.models import Project

    mine, theirs = make_team("Mine"), make_team("Theirs")
    resource = SpeechResource(
        name="r",
        region="westus",
        management_url="https://x",
        recognition_url="https://x",
        default_team=mine,
    )
    resource.set_key("k" * 32)
    resource.save()
    Project.objects.create(team=mine, resource=resource, display_name="Our project", locale="en-US")
    Project.objects.create(
        team=theirs, resource=resource, display_name="Their project", locale="en-US"
    )
    client.force_login(make_member(mine))
    page = client.get("/projects/").content.decode()
    assert "Our project" in page and "Their project" not in page
