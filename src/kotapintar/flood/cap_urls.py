"""`/flood/cap.xml`: the CAP feed under the English path the issue names (also at `/banjir/cap.xml`)."""

from django.urls import URLPattern, path

from kotapintar.flood import views

urlpatterns: list[URLPattern] = [path("", views.cap_feed, name="flood-cap-feed")]
