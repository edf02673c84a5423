"""``novum serve`` (the web application and REST API) and ``novum token`` (API tokens). Registered on the shared app
by an import at the end of ``novum.cli.app``."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from novum.api.settings import Settings
from novum.auth import create_token, list_tokens, revoke_token
from novum.cli.app import DataDir, app, data_dir
from novum.cli.output import OutputFormat, console, emit_json, emit_rows, errors
from novum.store.sqlite import Store

token_app = typer.Typer(help="API tokens: create (shown once), list, revoke.", no_args_is_help=True)
app.add_typer(token_app, name="token")
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json.")]


@app.command()
def serve(
    data: DataDir = None,
    host: Annotated[str, typer.Option(help="Address to listen on (behind a reverse proxy: 127.0.0.1).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="No tokens needed (allowed only on a loopback address).")
    ] = False,
    rate: Annotated[int, typer.Option(help="Requests per minute per token.")] = 600,
    query_timeout: Annotated[float, typer.Option(help="Seconds a search, chart or export page may run.")] = 15.0,
    secure_cookies: Annotated[bool, typer.Option(help="Mark session cookies Secure (behind HTTPS).")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (one per CPU core serves most).")] = 1,
    embed_uploads: Annotated[bool, typer.Option("--embed-uploads/--no-embed-uploads",
                                                help="Embed uploaded documents for semantic search.")] = True,
) -> None:
    """Start the web application and the REST API (/api/v1, OpenAPI at /openapi.json, docs at /docs)."""
    import uvicorn

    from novum.api.app import create_app, settings_to_environment

    settings = Settings(data_dir(data), auth=not no_auth, rate_per_minute=rate, query_timeout_s=query_timeout,
                        secure_cookies=secure_cookies)  # fmt: skip
    try:
        settings.check(host)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--no-auth") from exc
    if settings.auth:
        with Store(settings.data_dir) as store:
            if not any(t.revoked_at is None for t in list_tokens(store)):
                errors.print("no API token yet: create one with `novum token create NAME --scope admin`")
    errors.print(f"novum serving {settings.data_dir} on http://{host}:{port} (docs at /docs)")
    os.environ.setdefault("NOVUM_THREADS", str(model_threads(workers)))  # set by the caller, it wins
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning", "proxy_headers": True,
                               "forwarded_allow_ips": "127.0.0.1"}  # fmt: skip
    if workers > 1:  # each worker process opens the data directory itself; limits and caches are per worker
        settings_to_environment(settings, embed_uploads)
        uvicorn.run("novum.api.app:app_from_environment", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(settings, embed_uploads=embed_uploads), **options)


def model_threads(workers: int, cores: int | None = None) -> int:
    """Each worker's share of the cores for its models: more threads than that only compete (a short query embeds
    with ~40% less CPU on one thread than on two; docs/benchmarks.md, API latency), while one worker alone keeps
    every core for batch work such as a semantic claim chart."""
    return max(1, (cores or os.cpu_count() or 1) // workers)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="A name for the token (who or what uses it).", show_default=False)],
    scope: Annotated[str, typer.Option(help="read, write or admin.")] = "read",
    data: DataDir = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Create a token; it is printed once and stored only as a hash."""
    with Store(data_dir(data)) as store:
        secret = create_token(store, name, scope)
    if fmt is OutputFormat.json:
        emit_json({"name": name, "scope": scope, "token": secret})
        return
    sys.stdout.write(secret + "\n")
    sys.stdout.flush()
    errors.print(f"token {name!r} ({scope}) created; it is shown only now. Send it as 'Authorization: Bearer <token>'.")


@token_app.command("list")
def token_list(data: DataDir = None, fmt: Format = OutputFormat.table) -> None:
    """Tokens with their scope, prefix, creation and last use (never the secret)."""
    with Store(data_dir(data)) as store:
        rows = [t.to_dict() for t in list_tokens(store)]
    emit_rows(rows, fmt, ["name", "scope", "prefix", "created_at", "last_used_at", "revoked"])


@token_app.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(help="The token's name.", show_default=False)],
    data: DataDir = None,
    fmt: Format = OutputFormat.table,
) -> None:
    """Revoke a token (and end its web sessions) at once."""
    with Store(data_dir(data)) as store:
        revoke_token(store, name)
    if fmt is OutputFormat.json:
        emit_json({"name": name, "revoked": True})
    else:
        console.print(f"revoked token {name!r}")
