"""Dashboard, teams and the health check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import HTMX_STOP_POLLING

from portal import audit, selectors, services
from portal import dashboard as dashboard_panels
from portal.access import membership_for, require_team_role, teams_for_user
from portal.celery import app as celery_app
from portal.forms import MembershipForm, TeamForm
from portal.models import Membership, Role, WorkerHeartbeat


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    part = request.GET.get("part")
    teams = teams_for_user(request.user)
    if request.htmx and part in dashboard_panels.BUILDERS:
        context = dashboard_panels.panel(part, teams)
        response = render(request, f"portal/dashboard.html#{part}", context)
        if not context["busy"]:
            response.status_code = HTMX_STOP_POLLING  # nothing left in flight
        return response
    context = selectors.dashboard_summary(user=request.user)
    if request.htmx and part == "demo":
        response = render(request, "portal/dashboard.html#demo", context)
        if all(d.done or d.error for d in context["demos"]):
            response.status_code = HTMX_STOP_POLLING
        return response
    context.update(dashboard_panels.all_panels(teams))
    return render(request, "portal/dashboard.html", context)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    from django.core.paginator import Paginator

    from portal.models import AuditAction
    from projects.models import Project

    teams = teams_for_user(request.user)
    filters = {
        "project_id": request.GET.get("project", "")
        if request.GET.get("project", "").isdigit()
        else "",
        "username": request.GET.get("user", ""),
        "action": request.GET.get("action", "")
        if request.GET.get("action") in AuditAction.values
        else "",
    }
    events = audit.events_for(teams=teams, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "projects": Project.objects.filter(team__in=teams).order_by("display_name"),
        "users": Membership.objects.filter(team__in=teams)
        .values_list("user__username", flat=True)
        .distinct()
        .order_by("user__username"),
        "actions": AuditAction.choices,
    }
    return render(request, "portal/audit_log.html", context)


@login_required
@require_POST
def demo_dismiss(request: HttpRequest, demo_id: int) -> HttpResponse:
    from portal.models import DemoSeed

    DemoSeed.objects.filter(id=demo_id, team__memberships__user=request.user).update(dismissed=True)
    return redirect("dashboard")


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_staff:
            raise PermissionDenied("Only staff can create teams.")
        if form.is_valid():
            team = services.team_create(name=form.cleaned_data["name"], admin=request.user)
            messages.success(request, f"Team {team.name} created.")
            return redirect("team_detail", team_id=team.id)
    teams = selectors.teams_visible_to(user=request.user)
    return render(request, "portal/team_list.html", {"teams": teams, "form": form})


@login_required
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    team = require_team_role(request.user, team_id)
    membership = membership_for(request.user, team)
    can_manage = request.user.is_staff or (membership is not None and membership.allows(Role.ADMIN))
    form = MembershipForm(request.POST or None)
    if request.method == "POST":
        require_team_role(request.user, team_id, Role.ADMIN)
        if form.is_valid():
            try:
                services.membership_set(team=team, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"{form.cleaned_data['username']} is now a member.")
                return redirect("team_detail", team_id=team.id)
    context = {
        "team": team,
        "memberships": team.memberships.select_related("user"),
        "can_manage": can_manage,
        "form": form,
        "roles": Role.choices,
    }
    return render(request, "portal/team_detail.html", context)


@login_required
@require_POST
def team_auto_swap(request: HttpRequest, team_id: int) -> HttpResponse:
    team = require_team_role(request.user, team_id, Role.ADMIN)
    team.auto_swap_endpoints = request.POST.get("auto_swap") == "1"
    team.save(update_fields=["auto_swap_endpoints"])
    state = "on" if team.auto_swap_endpoints else "off"
    messages.success(request, f"Automatic endpoint swaps are {state} for {team.name}.")
    return redirect("team_detail", team_id=team.id)


@login_required
@require_POST
def membership_update(request: HttpRequest, team_id: int, membership_id: int) -> HttpResponse:
    team = require_team_role(request.user, team_id, Role.ADMIN)
    membership = get_object_or_404(Membership, id=membership_id, team=team)
    try:
        if request.POST.get("action") == "remove":
            services.membership_remove(membership=membership)
            messages.success(request, f"{membership.user.username} left {team.name}.")
        else:
            role = request.POST.get("role", "")
            if role not in Role.values:
                raise ValidationError(f"{role!r} is not a role.")
            services.membership_set(team=team, username=membership.user.username, role=role)
            messages.success(request, f"{membership.user.username} is now {Role(role).label}.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("team_detail", team_id=team.id)


def _add_errors(form: MembershipForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field, error)
    else:
        form.add_error(None, exc)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Checks the database and the broker; says when a worker last ran a task."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure is the answer here, not a crash
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:
        checks["broker"] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    last_beat = None
    if checks["database"] == "ok":
        beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
        last_beat = beat.seen_at.isoformat() if beat else None
    body = {"status": "ok" if healthy else "error", **checks, "worker_last_seen": last_beat}
    return JsonResponse(body, status=200 if healthy else 503)


def error_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Exception) -> HttpResponse:
    reason = str(exception) if isinstance(exception, PermissionDenied) else ""
    return render(request, "403.html", {"reason": reason}, status=403)
