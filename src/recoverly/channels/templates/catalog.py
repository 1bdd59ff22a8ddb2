"""The catalog of message templates, and rendering one message from it.

Templates run in Jinja's immutable sandbox with ``StrictUndefined``: a template is data
that people other than developers edit, so it may read the context but not reach Python
internals, and a misspelt variable is an error rather than an empty string in a letter.
The catalog is built (and every template checked) by ``loader.load_catalog``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from babel import Locale
from jinja2 import StrictUndefined, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from recoverly.channels.templates import formatting
from recoverly.channels.templates.errors import TemplateInvalid, TemplateNotFound
from recoverly.channels.templates.locales import bcp47, best_match, format_locale
from recoverly.channels.templates.model import MessageContext, Rendered
from recoverly.channels.templates.sms import sms_size
from recoverly.domain.events import Channel
from recoverly.domain.findings import Finding

DISCLOSURES_FILE = "_disclosures.yaml"
LAST_RESORT = "en"  # every template and disclosure must have it
_SCOPE = "_recoverly"  # the template variable holding the render's locale and channel


@dataclass(frozen=True, slots=True)
class Disclosure:
    """A statement the law requires in some messages, written once in each locale.

    Attributes:
        id: what templates call it by: ``{{ disclosure("opt_out") }}``.
        source: the rule it satisfies, e.g. ``12 CFR 1006.6(e)``.
        channels: the channels it applies to; elsewhere it is neither required nor allowed.
        mandatory: required on its channels in every template, listed there or not.
        texts: locale → ``default`` or a channel name → the exact text.
        when: the fact of a debt that requires it (``time_barred``); no template carries
            such a statement, the dispatcher adds it to messages about those debts.
    """

    id: str
    source: str
    channels: frozenset[Channel]
    mandatory: bool
    texts: Mapping[str, Mapping[str, str]]
    when: str | None = None

    def text(self, locale: str, channel: Channel) -> str | None:
        """The text for ``channel`` in ``locale``; the channel's own wording wins."""
        by_key = self.texts.get(locale, {})
        return by_key.get(channel.value, by_key.get("default"))


@dataclass(frozen=True, slots=True)
class Template:
    """What a template file declares; its texts stay compiled inside the catalog."""

    name: str
    version: int
    description: str
    channels: tuple[Channel, ...]
    disclosures: tuple[str, ...]
    locales: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Part:
    """One channel's compiled texts in one locale."""

    subject: jinja2.Template | None
    body: jinja2.Template


@dataclass(frozen=True, slots=True)
class Scope:
    """What the template functions need to know about the render under way."""

    format_locale: Locale
    text_locale: str
    channel: Channel
    disclosures: Mapping[str, Disclosure]


class RenderRefused(Exception):
    """A template asked for something the catalog cannot give (an unknown disclosure)."""


def _scope(context: Context) -> Scope:
    scope = context.get(_SCOPE)
    if not isinstance(scope, Scope):
        raise RenderRefused(f"{_SCOPE} is reserved and must not be set by a template")
    return scope


@pass_context
def _money(context: Context, amount_minor: int, currency: str) -> str:
    return formatting.money(amount_minor, currency, _scope(context).format_locale)


@pass_context
def _date(context: Context, value: Any) -> str:
    return formatting.date(value, _scope(context).format_locale)


@pass_context
def _number(context: Context, value: int) -> str:
    return formatting.number(value, _scope(context).format_locale)


@pass_context
def _disclosure(context: Context, disclosure_id: str) -> str:
    return disclosure_text(_scope(context), disclosure_id)


def disclosure_text(scope: Scope, disclosure_id: str) -> str:
    """A disclosure's wording for the scope's language and channel."""
    found = scope.disclosures.get(disclosure_id)
    if found is None:
        known = ", ".join(sorted(scope.disclosures)) or "none"
        raise RenderRefused(f"unknown disclosure {disclosure_id!r}; {DISCLOSURES_FILE}: {known}")
    if scope.channel not in found.channels:
        allowed = ", ".join(sorted(found.channels))
        raise RenderRefused(
            f"disclosure {disclosure_id!r} does not apply to {scope.channel} (only {allowed})"
        )
    text = found.text(scope.text_locale, scope.channel)
    if text is None:
        raise RenderRefused(
            f"disclosure {disclosure_id!r} has no {scope.text_locale!r} text for {scope.channel}"
        )
    return text


def environment() -> ImmutableSandboxedEnvironment:
    """The sandbox: plain text out (no HTML escaping), undefined names are errors."""
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,  # plain text: SMS, letters and text e-mail, never HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    for name, function in (("money", _money), ("date", _date), ("number", _number)):
        env.filters[name] = function  # {{ due_date | date }}
        env.globals[name] = function  # {{ date(due_date) }}
    env.globals["disclosure"] = _disclosure
    return env


def render_part(part: Part, scope: Scope, context: MessageContext) -> tuple[str, str]:
    variables = {**context.as_variables(), _SCOPE: scope}
    subject = part.subject.render(variables).strip() if part.subject else ""
    return subject, part.body.render(variables).strip()


def _required(
    template: Template, channel: Channel, disclosures: Mapping[str, Disclosure]
) -> list[str]:
    """The disclosures a message of ``template`` on ``channel`` must contain."""
    wanted = [*template.disclosures, *(d.id for d in disclosures.values() if d.mandatory)]
    return [i for i in dict.fromkeys(wanted) if channel in disclosures[i].channels]


def missing_disclosures(template: Template, scope: Scope, subject: str, body: str) -> Iterator[str]:
    for disclosure_id in _required(template, scope.channel, scope.disclosures):
        text = scope.disclosures[disclosure_id].text(scope.text_locale, scope.channel)
        if text is None:
            yield (
                f"disclosure {disclosure_id!r} has no {scope.text_locale!r} text for "
                f"{scope.channel} in {DISCLOSURES_FILE}"
            )
        elif text not in f"{subject}\n{body}":
            yield (
                f"the rendered text lacks the {disclosure_id!r} disclosure; add "
                f'{{{{ disclosure("{disclosure_id}") }}}} to the body'
            )


class Catalog:
    """Every template, validated, ready to render in any locale on any of its channels."""

    __slots__ = ("_disclosures", "_parts", "_templates")

    def __init__(
        self,
        templates: Mapping[str, Template],
        disclosures: Mapping[str, Disclosure],
        parts: Mapping[tuple[str, str, Channel], Part],
    ) -> None:
        self._templates = dict(templates)
        self._disclosures = dict(disclosures)
        self._parts = dict(parts)

    @property
    def templates(self) -> Mapping[str, Template]:
        return dict(self._templates)

    @property
    def disclosures(self) -> Mapping[str, Disclosure]:
        return dict(self._disclosures)

    def template(self, name: str) -> Template:
        """The template called ``name``.

        Raises:
            TemplateNotFound: when the catalog has no such template.
        """
        try:
            return self._templates[name]
        except KeyError:
            known = ", ".join(sorted(self._templates))
            raise TemplateNotFound(f"no template {name!r}; the catalog has {known}") from None

    def render(
        self,
        name: str,
        channel: Channel | str,
        locale: str,
        context: MessageContext,
        fallback: str | None = None,
        also: Sequence[str] = (),
    ) -> Rendered:
        """Render one message.

        The text is the template's best match for ``locale``, else for ``fallback``,
        else ``en``; each fallback taken adds a warning. Amounts and dates are formatted
        for ``locale`` (or ``fallback``) where that is the language of the text used.

        Args:
            name: the template, as a strategy step names it.
            channel: the channel the message goes out on.
            locale: the debtor's preferred language, a BCP 47 tag such as ``zh-TW``.
            context: the facts the message states.
            fallback: the account's default language, tried when ``locale`` has no text.
            also: disclosures the debt's facts require beyond the template's own (a
                time-barred debt's statement), added at the end of the body unless the
                template already says them.

        Returns:
            The subject and body, with the locale and version used and their hash.

        Raises:
            TemplateNotFound: no such template, or it is not offered on ``channel``.
            TemplateInvalid: the text fails for this context or lacks a required
                disclosure (the load checks one sample context; a template with
                conditions can still fail for another).
        """
        template = self.template(name)
        offered = ", ".join(template.channels)
        if channel not in template.channels:
            raise TemplateNotFound(
                f"template {name!r} is not offered on {str(channel)!r}; it is offered on {offered}"
            )
        channel = Channel(channel)
        text_locale, warnings = self._choose(template, locale, fallback)
        scope = Scope(
            format_locale(text_locale, locale, fallback),
            text_locale,
            channel,
            self._disclosures,
        )
        where = f"locales.{text_locale}.{channel}"
        try:
            subject, body = render_part(self._parts[name, text_locale, channel], scope, context)
            added = [disclosure_text(scope, d) for d in also]
        except (jinja2.TemplateError, RenderRefused) as exc:
            raise TemplateInvalid(
                [Finding(template.source, 0, 0, "template.render", f"{where}: {exc}")]
            ) from None
        extra = [text for text in added if text not in body]
        if extra:
            body = (
                "\n".join([body.rstrip(), *extra])
                if channel == Channel.SMS
                else ("\n\n".join([body.rstrip(), *extra]))
            )
        missing = [f"{where}: {m}" for m in missing_disclosures(template, scope, subject, body)]
        if missing:
            raise TemplateInvalid(
                [Finding(template.source, 0, 0, "template.disclosure", m) for m in missing]
            )
        if channel == Channel.SMS:
            size = sms_size(body)
            if size.segments > 1:
                warnings.append(
                    f"the SMS is {size.units} {size.encoding} characters: {size.segments} segments"
                )
        digest = hashlib.sha256(f"{subject}\0{body}".encode()).hexdigest()
        return Rendered(
            template=name,
            channel=channel,
            subject=subject,
            body=body,
            locale=text_locale,
            format_locale=bcp47(scope.format_locale),
            template_version=template.version,
            sha256=digest,
            warnings=tuple(warnings),
        )

    @staticmethod
    def _choose(template: Template, locale: str, fallback: str | None) -> tuple[str, list[str]]:
        """The locale to take the text from, and a warning for each fallback taken."""
        name = template.name
        found = best_match(locale, template.locales)
        if found is not None:
            return found, []
        if fallback is None:
            return LAST_RESORT, [f"{name} has no text for {locale!r}; used {LAST_RESORT!r}"]
        found = best_match(fallback, template.locales)
        if found is not None:
            return found, [
                f"{name} has no text for {locale!r}; used {found!r}, "
                f"the account's language {fallback!r}"
            ]
        return LAST_RESORT, [
            f"{name} has no text for {locale!r}; tried the account's language {fallback!r}",
            f"{name} has no text for {fallback!r} either; used {LAST_RESORT!r}",
        ]
