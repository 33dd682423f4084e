"""Reads for teams and the dashboard."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, QuerySet

from portal.access import teams_for_user
from portal.models import Team


def teams_visible_to(*, user: AbstractBaseUser) -> QuerySet[Team]:
    teams = Team.objects.all() if user.is_staff else teams_for_user(user)
    return teams.annotate(member_count=Count("memberships", distinct=True)).order_by("name")


def dashboard_summary(*, user: AbstractBaseUser) -> dict:
    memberships = user.memberships.select_related("team").order_by("team__name")
    return {"memberships": memberships}
