"""Who may do what: every object a page shows is looked up through a team the user belongs to.

An object of a team the user is not in answers 404 (its existence is not revealed); a member
without the needed role gets 403.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from portal.models import Membership, Role, Team


def teams_for_user(user: AbstractBaseUser) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user)


def membership_for(user: AbstractBaseUser, team: Team) -> Membership | None:
    return Membership.objects.filter(user=user, team=team).first()


def require_team_role(user: AbstractBaseUser, team_id: int, role: str = Role.VIEWER) -> Team:
    """The team, if the user is a member with at least `role`; staff may manage any team."""
    team = Team.objects.filter(id=team_id).first()
    if team is None:
        raise Http404("No such team")
    membership = membership_for(user, team)
    if membership is None:
        if user.is_staff:
            return team
        raise Http404("No such team")
    if not membership.allows(role):
        raise PermissionDenied(f"This needs the {Role(role).label} role in {team.name}.")
    return team
