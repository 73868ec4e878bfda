"""Dependencies shared by the routers."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Request

from advisor.api.blocking import Work
from advisor.api.middleware import client_key
from advisor.api.state import AppState
from advisor.core import Advisor
from advisor.errors import AccessDenied

def get_state(request: Request) -> AppState:
    return request.app.state.app_state


def get_advisor(state: Annotated[AppState, Depends(get_state)]) -> Advisor:
    return state.advisors.get()


def get_work(request: Request, state: Annotated[AppState, Depends(get_state)]) -> Work:
    """The requesting client's turns at the worker threads."""
    return Work(state.scheduler, client_key(request.scope))


def require_admin(state: Annotated[AppState, Depends(get_state)],
                  x_api_key: Annotated[str | None, Header(description="The admin API key.")] = None,
                  authorization: Annotated[str | None, Header()] = None) -> None:
    """Admin endpoints: off unless ADVISOR_ADMIN_API_KEY is set; the key is compared in constant time."""
    configured = state.settings.admin_api_key
    if configured is None:
        raise AccessDenied("admin endpoints are disabled: set ADVISOR_ADMIN_API_KEY (16+ characters) on the "
                                "server and send it as the X-API-Key header")
    given = x_api_key or (authorization[7:] if authorization and authorization.lower().startswith("bearer ") else "")
    if not hmac.compare_digest(given.encode(), configured.get_secret_value().encode()):
        raise AccessDenied("wrong or missing admin API key (X-API-Key header)")


StateDep = Annotated[AppState, Depends(get_state)]
AdvisorDep = Annotated[Advisor, Depends(get_advisor)]
WorkDep = Annotated[Work, Depends(get_work)]
AdminDep = Annotated[None, Depends(require_admin)]
