"""``recoverly templates``: see, check and preview message templates before they are sent."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from recoverly.cli.common import EXIT_BAD_INPUT, console, err_console

app = typer.Typer(help="Message templates: list, check, preview.", no_args_is_help=True)

CatalogOption = Annotated[
    Path | None,
    typer.Option("--catalog", help="A template directory (default: the shipped catalog)."),
]


@app.command("list")
def list_templates(catalog: CatalogOption = None) -> None:
    """Every template with its version, channels, languages and required disclosures."""
    from recoverly.channels.templates import load_catalog

    table = Table("template", "version", "channels", "languages", "disclosures", box=None)
    for name, template in sorted(load_catalog(catalog).templates.items()):
        table.add_row(
            name,
            str(template.version),
            ", ".join(c.value for c in template.channels),
            ", ".join(template.locales),
            ", ".join(template.disclosures),
        )
    console.print(table)


@app.command("check")
def check(catalog: Annotated[Path, typer.Argument(help="A template directory.")]) -> None:
    """Validate a template directory; problems print as FILE:LINE:COLUMN: reason (exit 2)."""
    from recoverly.channels.templates import TemplateInvalid, load_catalog

    try:
        loaded = load_catalog(catalog)
    except TemplateInvalid as exc:
        for finding in exc.findings:
            print(finding.render())
        err_console.print(f"[red]invalid templates:[/red] {len(exc.findings)} problem(s)")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    console.print(f"{len(loaded.templates)} templates are valid", highlight=False)


@app.command("preview")
def preview(
    name: Annotated[str, typer.Argument(help="Template name.")],
    channel: Annotated[str, typer.Option("--channel", help="sms, email, letter, …")] = "sms",
    locale: Annotated[str, typer.Option("--locale", help="BCP 47 tag, e.g. zh-TW.")] = "en",
    catalog: CatalogOption = None,
) -> None:
    """Render a template with sample facts, as a debtor would read it."""
    from recoverly.channels.templates import SAMPLE_CONTEXT, load_catalog

    rendered = load_catalog(catalog).render(name, channel, locale, SAMPLE_CONTEXT)
    for warning in rendered.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    console.print(
        f"[bold]{name}[/bold] v{rendered.template_version} ({channel}, {rendered.locale})",
        highlight=False,
    )
    if rendered.subject:
        print(f"Subject: {rendered.subject}\n")
    print(rendered.body)
