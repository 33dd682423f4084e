from django.urls import path

from deployments import views

urlpatterns = [
    path("projects/<int:project_id>/endpoints/new/", views.endpoint_new, name="endpoint_new"),
    path(
        "projects/<int:project_id>/endpoints/<int:endpoint_id>/",
        views.endpoint_detail,
        name="endpoint_detail",
    ),
    path(
        "projects/<int:project_id>/endpoints/<int:endpoint_id>/change/",
        views.endpoint_change,
        name="endpoint_change",
    ),
    path("projects/<int:project_id>/endpoints/<int:endpoint_id>/try/", views.try_it, name="try_it"),
    path(
        "projects/<int:project_id>/endpoints/<int:endpoint_id>/test-set/",
        views.test_set,
        name="test_set",
    ),
    path("projects/<int:project_id>/models/<int:model_id>/copy/", views.copy_new, name="copy_new"),
    path("copies/<uuid:copy_id>/new/region/", views.copy_region, name="copy_region"),
    path("copies/<uuid:copy_id>/new/resource/", views.copy_resource, name="copy_resource"),
    path("copies/<uuid:copy_id>/new/project/", views.copy_project, name="copy_project"),
    path("copies/<uuid:copy_id>/new/confirm/", views.copy_confirm, name="copy_confirm"),
    path("copies/<uuid:copy_id>/", views.copy_progress, name="copy_progress"),
]
