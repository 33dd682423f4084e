from django.apps import AppConfig


class LocalspeechConfig(AppConfig):
    name = "localspeech"
