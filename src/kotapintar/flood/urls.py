from django.urls import URLPattern, URLResolver, path

from kotapintar.flood import views

app_name = "flood"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("peta.json", views.map_data, name="map_data"),
    path("lapisan/<slug:name>.geojson", views.layer, name="layer"),
    path("stasiun/<slug:code>/", views.station, name="station"),
    path("lapor/", views.report_new, name="report_new"),
    path("laporan/", views.reports, name="reports"),
    path("laporan/<uuid:public_id>/foto.jpg", views.report_photo, name="report_photo"),
    path("peringatan/", views.alerts, name="alerts"),
    path("insiden/", views.incidents, name="incidents"),
    path("insiden/<uuid:public_id>/", views.incident, name="incident"),
    path("cap/insiden.atom", views.cap_incidents, name="cap_incidents"),
    path("cap/insiden/<uuid:public_id>/<int:seq>.xml", views.cap_incident, name="cap_incident"),
    path("operasi/", views.operations, name="operations"),
    path("sitrep.pdf", views.sitrep, name="sitrep"),
    path("cap.xml", views.cap_feed, name="cap"),
    path("cap/<uuid:public_id>.xml", views.cap_alert, name="cap_alert"),
]
