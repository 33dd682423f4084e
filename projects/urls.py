from django.urls import path

from projects import views

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("<int:project_id>/", views.project_detail, name="project_detail"),
    path("<int:project_id>/status/", views.project_status, name="project_status"),
    path("<int:project_id>/edit/", views.project_edit, name="project_edit"),
    path("<int:project_id>/delete/", views.project_delete, name="project_delete"),
    path("<int:project_id>/connect/", views.project_connect, name="project_connect"),
    path(
        "<int:project_id>/datasets/<int:dataset_id>/edit/", views.dataset_edit, name="dataset_edit"
    ),
    path(
        "<int:project_id>/datasets/<int:dataset_id>/delete/",
        views.dataset_delete,
        name="dataset_delete",
    ),
    path("<int:project_id>/datasets/new/", views.upload_new, name="upload_new"),
    path(
        "<int:project_id>/datasets/<int:dataset_id>/", views.dataset_detail, name="dataset_detail"
    ),
    path(
        "<int:project_id>/datasets/<int:dataset_id>/audio/<path:name>",
        views.dataset_audio,
        name="dataset_audio",
    ),
    path("uploads/<uuid:upload_id>/new/kind/", views.upload_kind, name="upload_kind"),
    path("uploads/<uuid:upload_id>/new/source/", views.upload_source, name="upload_source"),
    path(
        "uploads/<uuid:upload_id>/new/validation/",
        views.upload_validation,
        name="upload_validation",
    ),
    path("uploads/<uuid:upload_id>/new/details/", views.upload_details, name="upload_details"),
    path("uploads/<uuid:upload_id>/", views.upload_progress, name="upload_progress"),
]
