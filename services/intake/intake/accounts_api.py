"""Signing in (``POST /api/v1/sessions``) and the administrators' management of officers' and
administrators' accounts (``/api/v1/accounts``)."""

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from intake.account_store import AccountStore
from intake.auth import administrator
from intake.domain.accounts import new_account
from intake.domain.model import Principal, Refused
from intake.handlers import Clock
from intake.sessions import AgencyNames, SignIn, new_password, open_account

# Answers that carry a secret (a token, an initial password) are never cached.
NO_STORE = "no-store"


class SignInIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    username: str = Field(max_length=64, description="3-64 of a-z, 0-9, '.', '_', '-'")
    role: Literal["officer", "administrator"]
    agency_code: str = Field("", max_length=100, description="an officer's agency")
    display_name: str = Field(max_length=100, description="the name people see")


def sessions_router(sign_in: SignIn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/sessions", tags=["accounts"])

    @router.post("", status_code=201, summary="Sign in: a bearer token for an account")
    async def create(credentials: SignInIn, response: Response) -> dict[str, Any]:
        session = await sign_in.sign_in(credentials.username, credentials.password)
        response.headers["Cache-Control"] = NO_STORE
        return session.json()

    return router


def accounts_router(
    accounts: AccountStore,
    agency_names: AgencyNames,
    who: Callable[..., Principal],
    clock: Clock,
) -> APIRouter:
    router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"])
    caller_type = Annotated[Principal, Depends(who)]

    @router.post("", status_code=201, summary="Open an account (its password is shown once)")
    async def create(wanted: AccountIn, caller: caller_type, response: Response) -> dict[str, Any]:
        by = administrator(caller, "accounts").subject
        new = new_account(wanted.username, wanted.role, wanted.agency_code, wanted.display_name)
        password = new_password()
        account = await open_account(accounts, agency_names, new, password, (clock(), by))
        response.headers["Cache-Control"] = NO_STORE
        return {**account.listed(), "initial_password": password}

    @router.get("", summary="Accounts, by username (never their passwords)")
    async def listing(
        caller: caller_type,
        agency: Annotated[
            str | None, Query(max_length=100, description="'': administrators")
        ] = None,
    ) -> dict[str, Any]:
        administrator(caller, "accounts")
        return {"accounts": [account.listed() for account in await accounts.listing(agency)]}

    @router.post("/{username}/disable", summary="Refuse an account's sign-ins from now on")
    async def disable(username: str, caller: caller_type) -> dict[str, Any]:
        if administrator(caller, "accounts").subject == username:
            raise Refused("an administrator cannot disable their own account")
        return (await accounts.disable(username, clock())).listed()

    return router
