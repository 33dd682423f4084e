"""Speech to text REST API for short audio: POST a WAV, get the recognized text.

`/speech/recognition/{interactive|conversation|dictation}/cognitiveservices/v1?language=en-US`
with `cid=ENDPOINT_ID` for a custom endpoint, `format=simple|detailed`.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from localspeech import catalog
from localspeech.api.base import api
from localspeech.engine.audio import AudioError, duration_seconds, load_pcm16
from localspeech.errors import ApiError, bad_request
from localspeech.models import Entity, Kind, Status
from localspeech.services.jobs import recognize_samples
from localspeech.services.logs import log_record
from speechformats.text import display_form

MAX_SECONDS = 60
MAX_BYTES = 20 * 1024 * 1024


@api("POST", quota=False)
def recognize(request: HttpRequest, resource, mode: str) -> JsonResponse:
    if mode not in ("interactive", "conversation", "dictation"):
        raise ApiError(
            404,
            "NotFound",
            f"No recognition mode {mode!r}; use interactive, conversation or dictation.",
        )
    language = request.GET.get("language")
    if not language:
        raise bad_request(
            "The 'language' query parameter is required, e.g. language=en-US.", target="language"
        )
    if language not in catalog.LOCALES:
        raise ApiError(
            400,
            "InvalidArgument",
            f"Language {language!r} is not supported; use {', '.join(catalog.LOCALES)}.",
            "UnsupportedLanguageCode",
            "language",
        )
    output = request.GET.get("format", "simple").lower()
    if output not in ("simple", "detailed"):
        raise bad_request("'format' must be simple or detailed.", target="format")
    endpoint = None
    model_ref = None
    if request.GET.get("cid"):
        endpoint = Entity.objects.filter(
            resource=resource, kind=Kind.ENDPOINT, id=_uuid(request.GET["cid"])
        ).first()
        if endpoint is None:
            raise ApiError(
                400,
                "InvalidArgument",
                f"No endpoint {request.GET['cid']} on this resource: cid must be an endpoint id, "
                "not a model id.",
                "InvalidParameterValue",
                "cid",
            )
        if endpoint.status != Status.SUCCEEDED:
            raise ApiError(
                409,
                "Conflict",
                f"Endpoint {endpoint.id} is {endpoint.status}; it serves requests once it has "
                "succeeded.",
                "ModelDeploymentNotCompleteState",
                "cid",
            )
        if endpoint.locale != language:
            raise bad_request(
                f"Endpoint {endpoint.id} is {endpoint.locale}, not {language}.",
                "InvalidLocale",
                "language",
            )
        model_ref = endpoint.doc.get("model")
    audio = request.body if int(request.headers.get("Content-Length") or 0) <= MAX_BYTES else b""
    if not audio:
        raise bad_request(
            "Send the audio (WAV, 16-bit PCM, mono, 8 or 16 kHz) as the request body, at most 60 "
            "s.",
            "EmptyRequest",
            "body",
        )
    try:
        samples = load_pcm16(audio)
    except AudioError as exc:
        raise ApiError(400, "InvalidArgument", str(exc), "InvalidPayload", "body") from exc
    seconds = duration_seconds(samples)
    if seconds > MAX_SECONDS:
        raise bad_request(
            f"The audio is {seconds:.0f} s; short-audio recognition takes at most {MAX_SECONDS} "
            "s. Use batch transcription for longer audio.",
            "InvalidPayload",
            "body",
        )
    recognition, display = recognize_samples(samples, resource, model_ref, language)
    ticks = int(seconds * 10_000_000)
    offset = recognition.words[0].offset if recognition.words else 0
    duration = (
        (recognition.words[-1].offset + recognition.words[-1].duration - offset)
        if recognition.words
        else ticks
    )
    status = "Success" if recognition.lexical else "NoMatch"
    body: dict = {"RecognitionStatus": status, "Offset": offset, "Duration": duration}
    itn = (
        display_form(recognition.lexical, language).rstrip(".").lower()
        if recognition.lexical
        else ""
    )
    if output == "simple":
        body["DisplayText"] = display
    else:
        body["DisplayText"] = display
        body["NBest"] = [
            {
                "Confidence": round(recognition.confidence, 4),
                "Lexical": recognition.lexical,
                "ITN": itn,
                "MaskedITN": itn,
                "Display": display,
            },
            *[
                {
                    "Confidence": 0.0,
                    "Lexical": alt,
                    "ITN": display_form(alt, language).rstrip(".").lower(),
                    "MaskedITN": display_form(alt, language).rstrip(".").lower(),
                    "Display": display_form(alt, language),
                }
                for alt in recognition.alternatives
                if alt != recognition.lexical
            ][:4],
        ]
    # Endpoints log when content logging is on; base-model requests when they ask to
    # (storeAudio=true, as the Speech SDK's audio logging sends it).
    wants_base_log = endpoint is None and request.GET.get("storeAudio", "").lower() == "true"
    if wants_base_log or (endpoint is not None and endpoint.props.get("loggingEnabled")):
        log_record(resource=resource, endpoint=endpoint, locale=language, audio=audio, result=body)
    return JsonResponse(body)


def _uuid(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise ApiError(
            400,
            "InvalidArgument",
            f"cid {value!r} is not an endpoint id (a UUID).",
            "InvalidParameterValue",
            "cid",
        ) from exc
