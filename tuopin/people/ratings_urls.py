"""Routes of the star ratings and cadre training pages (see urls.py)."""

from django.urls import path

from tuopin.people import ratings_views, training_views

urlpatterns = [
    path("ratings/", ratings_views.ratings_overview, name="ratings"),
    path("ratings/download/", ratings_views.ratings_download, name="ratings_download"),
    path("ratings/list/", ratings_views.rating_list, name="rating_list"),
    path("ratings/import/", ratings_views.ratings_import, name="ratings_import"),
    path("ratings/schemes/", ratings_views.rating_schemes, name="rating_schemes"),
    path("ratings/<int:rating_id>/", ratings_views.rating_page, name="rating"),
    path("ratings/<int:rating_id>/review/", ratings_views.rating_review, name="rating_review"),
    path("ratings/<int:rating_id>/pay/", ratings_views.rating_pay, name="rating_pay"),
    path(
        "ratings/households/<int:household_id>/",
        ratings_views.household_ratings_panel,
        name="household_ratings",
    ),
    path(
        "ratings/households/<int:household_id>/propose/",
        ratings_views.household_rating_propose,
        name="household_rating_propose",
    ),
    path("training/", training_views.course_list, name="training"),
    path("training/new/", training_views.course_new, name="training_course_new"),
    path("training/<int:course_id>/", training_views.course_page, name="training_course"),
    path("training/cadres/<int:helper_id>/", training_views.cadre_page, name="training_cadre"),
]
