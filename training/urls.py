from django.urls import path

from training import views

urlpatterns = [
    path("projects/<int:project_id>/models/new/", views.train_new, name="train_new"),
    path("training/<uuid:draft_id>/new/base/", views.train_base, name="train_base"),
    path("training/<uuid:draft_id>/new/data/", views.train_data, name="train_data"),
    path("training/<uuid:draft_id>/new/details/", views.train_details, name="train_details"),
    path("training/<uuid:draft_id>/new/test/", views.train_test, name="train_test"),
    path("training/<uuid:draft_id>/new/review/", views.train_review, name="train_review"),
    path(
        "projects/<int:project_id>/models/<int:model_id>/", views.model_detail, name="model_detail"
    ),
    path(
        "projects/<int:project_id>/models/<int:model_id>/retrain/",
        views.model_retrain,
        name="model_retrain",
    ),
    path(
        "projects/<int:project_id>/models/<int:model_id>/delete/",
        views.model_delete,
        name="model_delete",
    ),
    path("projects/<int:project_id>/tests/new/", views.evaluation_new, name="evaluation_new"),
    path(
        "projects/<int:project_id>/tests/<int:evaluation_id>/",
        views.evaluation_detail,
        name="evaluation_detail",
    ),
    path(
        "projects/<int:project_id>/tests/<int:evaluation_id>/export.<str:fmt>",
        views.evaluation_export,
        name="evaluation_export",
    ),
]
