from django.urls import path, re_path

from kotapintar.opendata import views

app_name = "opendata"

urlpatterns = [
    path("data/", views.dataset_list, name="list"),
    path("data/kelola/", views.manage, name="manage"),
    path("data/<slug:name>/", views.dataset_page, name="dataset"),
    re_path(
        r"^data/(?P<name>[-\w]+)/(?P<resource>[-\w]+)\.(?P<fmt>csv|json|geojson)$",
        views.resource,
        name="resource",
    ),
    re_path(r"^catalog\.(?P<fmt>jsonld|ttl|xml)$", views.catalog, name="catalog"),
    re_path(r"^dataset/(?P<name>[-\w]+)\.(?P<fmt>jsonld|ttl|xml)$", views.dataset_rdf, name="dataset_rdf"),
    path("api/3/action/<str:name>", views.action, name="action"),
    path("api/action/<str:name>", views.action, name="action_unversioned"),
]
