"""Writes for teams and memberships."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.models import Membership, Role, Team, WorkerHeartbeat


def team_create(*, name: str, admin=None) -> Team:
    with transaction.atomic():
        team = Team.objects.create(name=name)
        if admin is not None:
            Membership.objects.create(team=team, user=admin, role=Role.ADMIN)
    return team


def membership_set(*, team: Team, username: str, role: str) -> Membership:
    """Add a user to the team, or change their role."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": f"No user is called {username!r}."})
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            team=team, user=user, defaults={"role": role}
        )
        if not created and membership.role != role:
            _ensure_another_admin(team, membership)
            membership.role = role
            membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    with transaction.atomic():
        _ensure_another_admin(membership.team, membership)
        membership.delete()


def _ensure_another_admin(team: Team, leaving: Membership) -> None:
    if leaving.role != Role.ADMIN:
        return
    others = team.memberships.select_for_update().filter(role=Role.ADMIN).exclude(id=leaving.id)
    if not others.exists():
        raise ValidationError(
            "A team needs at least one team admin; make someone else admin first."
        )


def heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"seen_at": timezone.now()}
    )
    return beat


# Speech resources -------------------------------------------------------------------------------


def azure_urls(region: str) -> tuple[str, str]:
    return (
        f"https://{region}.api.cognitive.microsoft.com",
        f"https://{region}.stt.speech.microsoft.com",
    )


def resource_save(*, resource, key: str | None, teams) -> None:
    """Creates or updates a resource. A new key replaces the old one and keeps everything else."""
    from portal.models import SpeechResource

    with transaction.atomic():
        if key:
            resource.set_key(key)
            resource.health = "unknown"
            resource.health_message = ""
        resource.save()
        resource.teams.set(set(teams) | {resource.default_team})
    if (
        key
        or not SpeechResource.objects.filter(
            id=resource.id, health_checked_at__isnull=False
        ).exists()
    ):
        resource_test_start(resource=resource)


def resource_test_start(*, resource) -> None:
    from portal import tasks

    tasks.resource_test_start(resource)


def resource_sync_start(*, resource, full: bool = True) -> None:
    from portal import tasks

    tasks.resource_sync.delay_on_commit(resource.id, full)


def resource_delete(*, resource) -> None:
    """Removes the resource and the portal's mirror of it; nothing on the resource is touched."""
    resource.delete()
