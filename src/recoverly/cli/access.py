"""``recoverly tenant|user|token``: who may see what."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from recoverly.cli.common import DEFAULT_TENANT, TenantOption, console, resolve_tenant, store
from recoverly.domain.errors import InvalidInput
from recoverly.domain.roles import Role

tenant_app = typer.Typer(
    help="Create and list tenants (one per client or portfolio owner).", no_args_is_help=True
)
user_app = typer.Typer(help="Create users who log in to the web UI.", no_args_is_help=True)
token_app = typer.Typer(help="Issue API bearer tokens.", no_args_is_help=True)

RoleOption = Annotated[
    Role,
    typer.Option(
        "--role", help="admin, supervisor, agent, compliance or readonly.", case_sensitive=False
    ),
]


@tenant_app.command("create")
def create_tenant(name: Annotated[str, typer.Argument(help="Tenant name, e.g. acme.")]) -> None:
    """Create a tenant: a fully isolated set of debtors, accounts, users and tokens."""
    from recoverly.store.repositories import tenancy

    with store().begin() as conn:
        tenancy.create_tenant(conn, name, datetime.now(UTC))
    console.print(f"created tenant {name}")


@tenant_app.command("list")
def list_tenants() -> None:
    """List tenants."""
    from recoverly.store.repositories import tenancy

    with store().connect() as conn:
        for name in tenancy.list_tenants(conn):
            console.print(name, highlight=False)


@user_app.command("create")
def create_user(
    username: Annotated[str, typer.Argument(help="Log-in name.")],
    role: RoleOption = Role.AGENT,
    tenant: TenantOption = DEFAULT_TENANT,
    password: Annotated[
        str,
        typer.Option(
            "--password",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="RECOVERLY_NEW_PASSWORD",
            help="Asked for when not given; at least 10 characters.",
        ),
    ] = "",
) -> None:
    """Create a user who logs in with a password (stored as an Argon2 hash)."""
    from argon2 import PasswordHasher

    from recoverly.store.repositories import tenancy

    if len(password) < 10:
        raise InvalidInput("password must have at least 10 characters")
    with store().begin() as conn:
        tid = resolve_tenant(conn, tenant)
        tenancy.create_user(
            conn, tid, username, PasswordHasher().hash(password), role, datetime.now(UTC)
        )
    console.print(f"created {role.value} {username} in tenant {tenant}", highlight=False)


@token_app.command("create")
def create_token(
    role: Annotated[
        Role | None,
        typer.Option(
            "--role",
            help="admin, supervisor, agent, compliance or readonly (default readonly; with "
            "--user, the user's role).",
            case_sensitive=False,
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            help="Issue it to this user: it acts as them, with their role, and what they "
            "record is recorded in their name (contacts: as their agent).",
        ),
    ] = None,
    tenant: TenantOption = DEFAULT_TENANT,
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {token, tenant, role, user}.")
    ] = False,
) -> None:
    """Issue a bearer token for the API. It is shown once; only its hash is kept."""
    from recoverly.store.repositories import tenancy

    with store().begin() as conn:
        tid = resolve_tenant(conn, tenant)
        user_id = None
        if user is not None:
            user_id, user_role = tenancy.user_role(conn, tid, user)
            if role not in (None, user_role):
                raise InvalidInput(
                    f"user {user!r} has the role {user_role.value}, and so has a token issued "
                    f"to them; not {role.value} (leave out --role)"
                )
            role = user_role
        role = role or Role.READONLY
        token = tenancy.create_token(conn, tid, role, label, datetime.now(UTC), user_id)
    if as_json:
        print(json.dumps({"token": token, "tenant": tenant, "role": role.value, "user": user}))
    else:
        console.print(token, highlight=False)
