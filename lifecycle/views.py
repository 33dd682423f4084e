"""The swap offered when a retrained model tests at least as well as the current one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from lifecycle.models import RetrainPlan
from lifecycle.services import PlanRefused, plan_swap
from portal.models import Role
from projects.access import project_for_user


@login_required
@require_POST
def swap(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(RetrainPlan.objects.select_related("current_model"), id=plan_id)
    project_for_user(request.user, plan.current_model.project_id, Role.EDITOR)
    try:
        plan = plan_swap(plan=plan, user=request.user)
    except PlanRefused as exc:
        messages.error(request, str(exc))
    else:
        names = ", ".join(plan.swapped_endpoints) or "no endpoint"
        messages.success(request, f"Swapped {names} to {plan.new_model.display_name}.")
    return redirect("dashboard")
