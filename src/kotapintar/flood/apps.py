from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FloodConfig(AppConfig):
    name = "kotapintar.flood"
    label = "flood"
    verbose_name = _("Flood and rob")
    #: `kotapintar run` starts these next to the web server: the MQTT consumer and the simulator
    #: (both log and retry while no broker is reachable).
    run_processes = [["mqtt-ingest"], ["simulate-sensors", "--transport", "mqtt", "--interval", "30"]]
