"""Dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from advisor.core import Advisor
from advisor.errors import IndexNotFoundError


def get_advisor(request: Request) -> Advisor:
    advisor = getattr(request.app.state, "advisor", None)
    if advisor is None:
        raise IndexNotFoundError("the index is not loaded yet; retry in a moment")
    return advisor


AdvisorDep = Annotated[Advisor, Depends(get_advisor)]
