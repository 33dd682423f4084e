from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from localspeech import urls as localspeech_urls
from portal import views

handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", views.audit_log, name="audit_log"),
    path("lifecycle/", include("lifecycle.urls")),
    path("demo/<int:demo_id>/dismiss/", views.demo_dismiss, name="demo_dismiss"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<int:team_id>/", views.team_detail, name="team_detail"),
    path("teams/<int:team_id>/auto-swap/", views.team_auto_swap, name="team_auto_swap"),
    path(
        "teams/<int:team_id>/members/<int:membership_id>/",
        views.membership_update,
        name="membership_update",
    ),
    path("projects/", include("projects.urls")),
    path("", include("training.urls")),
    path("", include("deployments.urls")),
    path("resources/", include("portal.resources_urls")),
    path("admin/", admin.site.urls),
    # The bundled speech service, on the same server (it is reached only over HTTP).
    path("speechtotext/v3.2/", include(localspeech_urls.api_patterns)),
    path("speech/recognition/", include(localspeech_urls.recognition_patterns)),
    path("localspeech/", include(localspeech_urls.content_patterns)),
]
