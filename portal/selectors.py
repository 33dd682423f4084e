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
    from portal.models import DemoSeed

    memberships = user.memberships.select_related("team").order_by("team__name")
    demos = DemoSeed.objects.filter(team__memberships__user=user, dismissed=False).select_related(
        "project", "model", "evaluation", "endpoint", "language", "test_set"
    )
    return {"memberships": memberships, "demos": demos}


def resources_overview():
    from portal.models import SpeechResource

    return SpeechResource.objects.select_related("default_team").prefetch_related("teams")


def resource_page(resource) -> dict:
    from deployments.models import Endpoint
    from portal.speech import ratelimit
    from projects.models import Dataset, Project
    from training.models import BaseModel, CustomModel

    def count(model) -> int:
        return model.objects.filter(resource=resource, deleted_remotely_at__isnull=True).count()

    budget = ratelimit.Budget(resource.id, resource.budget_requests, resource.budget_seconds)
    return {
        "resource": resource,
        "counts": {
            "Projects": count(Project),
            "Datasets": count(Dataset),
            "Custom models": count(CustomModel),
            "Endpoints": count(Endpoint),
            "Base models": count(BaseModel),
        },
        "budget_used": ratelimit.used_now(budget),
        "projects": Project.objects.filter(resource=resource).select_related("team")[:50],
        "teams": resource.teams.all(),
    }
