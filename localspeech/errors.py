"""The API's Error body (definition `Error`, with an `innerError` detailed code)."""

from __future__ import annotations

from django.http import JsonResponse


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        detail: str | None = None,
        target: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.target = target
        self.headers = headers or {}

    def response(self) -> JsonResponse:
        body: dict = {"code": self.code, "message": self.message}
        if self.target:
            body["target"] = self.target
        if self.detail:
            body["innerError"] = {"code": self.detail, "message": self.message}
            if self.target:
                body["innerError"]["target"] = self.target
        response = JsonResponse(body, status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


def bad_request(message: str, detail: str = "InvalidParameterValue", target: str | None = None):
    return ApiError(400, "InvalidArgument", message, detail, target)


def invalid_body(message: str, target: str | None = None) -> ApiError:
    return ApiError(400, "InvalidRequest", message, "InvalidRequestBodyFormat", target)


def not_found(what: str) -> ApiError:
    return ApiError(404, "NotFound", f"{what} was not found on this resource.")


def conflict(message: str, detail: str = "InUseViolation") -> ApiError:
    return ApiError(409, "Conflict", message, detail)
