"""The one place where errors become HTTP answers.

The domain raises ``RecoverlyError`` subclasses with stable codes and knows nothing of HTTP;
here each class (and, through the MRO, every subclass added later) gets its status. Every
error body has the shape ``{"error": {"code", "message", "fields"?}}``.

Error bodies and logs never echo submitted values: a query string may hold a name prefix,
and a database error's parameters may hold anything, so neither is repeated back or logged.
"""

from __future__ import annotations

import logging
import traceback

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from recoverly.api.schemas.common import ErrorDetail, ErrorOut, FieldProblem
from recoverly.compliance.privacy.errors import ErasureRefused
from recoverly.domain.errors import (
    CurrencyMismatch,
    InvalidInput,
    InvalidMoney,
    NotFound,
    NotPermitted,
    RecoverlyError,
    UnknownCurrency,
)

log = logging.getLogger("recoverly.api")

STATUS_OF: dict[type[RecoverlyError], int] = {
    NotFound: 404,
    NotPermitted: 403,
    InvalidInput: 422,
    InvalidMoney: 422,
    UnknownCurrency: 422,
    CurrencyMismatch: 422,
    ErasureRefused: 409,
    # A deliberate refusal nobody mapped yet is still the client's request that was refused.
    RecoverlyError: 400,
}


def status_for(exc: RecoverlyError) -> int:
    """The status of the nearest mapped class in ``exc``'s MRO."""
    for klass in type(exc).__mro__:
        if klass in STATUS_OF:
            return STATUS_OF[klass]
    return 400


class UnauthenticatedError(Exception):
    """No usable bearer token; answered 401 with a ``WWW-Authenticate`` challenge."""

    def __init__(self, message: str, *, token_given: bool) -> None:
        super().__init__(message)
        self.message = message
        self.token_given = token_given


def _body(code: str, message: str, fields: list[FieldProblem] | None = None) -> dict[str, object]:
    return ErrorOut(error=ErrorDetail(code=code, message=message, fields=fields)).model_dump(
        exclude_none=True
    )


def _recoverly_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RecoverlyError)
    return JSONResponse(_body(exc.code, exc.message), status_code=status_for(exc))


def _unauthenticated(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, UnauthenticatedError)
    # RFC 6750 section 3: a request without credentials gets a bare challenge; a bad token
    # gets error="invalid_token".
    challenge = 'Bearer realm="recoverly"'
    if exc.token_given:
        challenge += ', error="invalid_token"'
    return JSONResponse(
        _body("auth.unauthenticated", exc.message),
        status_code=401,
        headers={"WWW-Authenticate": challenge},
    )


def _invalid_request(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [
        FieldProblem(location=".".join(str(part) for part in e["loc"]), message=e["msg"])
        for e in exc.errors()
    ]
    message = "; ".join(f"{f.location}: {f.message}" for f in fields)
    return JSONResponse(_body(InvalidInput.code, message, fields), status_code=422)


def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = "not_found" if exc.status_code == 404 else f"http.{exc.status_code}"
    return JSONResponse(
        _body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
    )


def _store_error(request: Request, exc: Exception) -> JSONResponse:
    # str(exc) would include the statement's parameters; log the kind and where only.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error(
        "store error %s on %s %s\n%s", type(exc).__name__, request.method, request.url.path, frames
    )
    if isinstance(exc, OperationalError):
        return JSONResponse(
            _body("store.unavailable", "the database is unavailable; try again"), status_code=503
        )
    return JSONResponse(_body("store.error", "internal error reading the store"), status_code=500)


def install(app: FastAPI) -> None:
    """Register every handler on ``app``."""
    app.add_exception_handler(RecoverlyError, _recoverly_error)
    app.add_exception_handler(UnauthenticatedError, _unauthenticated)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(SQLAlchemyError, _store_error)
