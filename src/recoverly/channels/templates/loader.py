"""Reading a catalog directory and checking every template in it before use.

The load is a pipeline that collects findings instead of stopping at the first: read the
disclosure file, then each template file; check its shape; compile every text; render
every locale and channel with ``SAMPLE_CONTEXT``; check that each required disclosure is
in what was rendered. Any finding refuses the whole catalog, so no message is ever sent
from a template that was only half checked. Findings point at the file, line and field,
found from the YAML node tree as ``recoverly.strategy.loader`` does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from recoverly.channels.templates.catalog import (
    DISCLOSURES_FILE,
    LAST_RESORT,
    Catalog,
    Disclosure,
    Part,
    RenderRefused,
    Scope,
    Template,
    environment,
    missing_disclosures,
    render_part,
)
from recoverly.channels.templates.errors import TemplateInvalid
from recoverly.channels.templates.locales import format_locale, subtags
from recoverly.channels.templates.model import CHANNEL_PARTS, MESSAGE_CHANNELS, SAMPLE_CONTEXT
from recoverly.compliance.packs import Fact
from recoverly.domain.events import Channel
from recoverly.domain.findings import Finding

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_TEMPLATE_KEYS = ("name", "version", "description", "channels", "disclosures", "locales")
_DISCLOSURE_KEYS = ("description", "source", "channels", "mandatory", "locales", "when")
FACTS = tuple(fact.value for fact in Fact)

KeyPath = tuple[str | int, ...]


def default_catalog_dir() -> Traversable:
    """The catalog shipped with Recoverly (package data, so it works when installed)."""
    return files("recoverly.channels.templates").joinpath("catalog")


def load_catalog(path: Path | None = None) -> Catalog:
    """Read and check every template in a catalog directory.

    Args:
        path: a directory of ``<name>.yaml`` templates and one ``_disclosures.yaml``;
            the shipped catalog when None.

    Returns:
        The catalog, every template of which renders in every locale and channel it
        declares with every disclosure it needs.

    Raises:
        TemplateInvalid: with one finding per problem, each naming file, line and field.
    """
    root: Traversable = path if path is not None else default_catalog_dir()
    findings: list[Finding] = []
    if not root.is_dir():
        raise TemplateInvalid(
            [Finding(str(root), 0, 0, "template.missing", "no such catalog directory")]
        )
    entries = sorted((e for e in root.iterdir() if e.is_file()), key=lambda e: e.name)
    disclosures_entry = root.joinpath(DISCLOSURES_FILE)
    if not disclosures_entry.is_file():
        findings.append(
            Finding(str(disclosures_entry), 0, 0, "template.missing", "no disclosure file")
        )
        raise TemplateInvalid(findings)
    disclosures = _read_disclosures(disclosures_entry, findings)
    if findings:  # every template check depends on the disclosures: fix them first
        raise TemplateInvalid(findings)
    env = environment()
    templates: dict[str, Template] = {}
    parts: dict[tuple[str, str, Channel], Part] = {}
    for entry in entries:
        if not entry.name.endswith(".yaml") or entry.name == DISCLOSURES_FILE:
            continue
        loaded = _read_template(entry, disclosures, env, findings)
        if loaded is not None:
            template, its_parts = loaded
            templates[template.name] = template
            parts.update({(template.name, lc, ch): p for (lc, ch), p in its_parts.items()})
    for entry in entries:
        if entry.name.endswith(".yml"):
            findings.append(
                Finding(str(entry), 0, 0, "template.file", "only .yaml files are read; rename it")
            )
    if not templates and not findings:
        findings.append(Finding(str(root), 0, 0, "template.missing", "no templates"))
    if findings:
        raise TemplateInvalid(findings)
    return Catalog(templates, disclosures, parts)


class _File:
    """One YAML file being checked: its data, its node tree for lines, and its findings."""

    def __init__(self, source: str, findings: list[Finding]) -> None:
        self.source = source
        self.findings = findings
        self.node: yaml.Node | None = None

    def parse(self, text: str) -> Any:
        """The file's data, or None (with a finding) if it is not YAML."""
        try:
            self.node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
            problem = getattr(exc, "problem", None) or exc
            self.findings.append(
                Finding(self.source, line, column, "template.yaml", f"not valid YAML: {problem}")
            )
            return None
        if self.node is not None:
            self._duplicates(self.node)
        return data

    def _duplicates(self, node: yaml.Node) -> None:
        """YAML keeps the last of two equal keys silently; a second ``en:`` is a mistake."""
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        line, column = key.start_mark.line + 1, key.start_mark.column + 1
                        self.findings.append(
                            Finding(
                                self.source,
                                line,
                                column,
                                "template.duplicate",
                                f"{key.value!r} appears twice in the same mapping",
                            )
                        )
                    seen.add(key.value)
                self._duplicates(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self._duplicates(item)

    def node_at(self, path: KeyPath) -> yaml.Node | None:
        """The deepest node along ``path`` (the whole document for ``()``)."""
        current = self.node
        for part in path:
            child: yaml.Node | None = None
            if isinstance(current, yaml.MappingNode):
                child = next((v for k, v in current.value if k.value == part), None)
            elif isinstance(current, yaml.SequenceNode) and isinstance(part, int):
                child = current.value[part] if part < len(current.value) else None
            if child is None:
                break
            current = child
        return current

    def problem(self, path: KeyPath, code: str, message: str, line_offset: int = 0) -> None:
        node = self.node_at(path)
        line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (0, 0)
        if line_offset:  # a line inside a block scalar: count from its first line
            line, column = line + line_offset, 1
        where = ".".join(str(p) for p in path)
        text = f"{where}: {message}" if where else message
        self.findings.append(Finding(self.source, line, column, f"template.{code}", text))


def _keys(file: _File, data: Mapping[str, Any], path: KeyPath, allowed: Sequence[str]) -> None:
    for key in data:
        if key not in allowed:
            file.problem(
                (*path, key), "unknown_field", f"unknown field; expected {', '.join(allowed)}"
            )


def _channels(file: _File, value: Any, path: KeyPath) -> list[Channel]:
    """The valid channels of a ``channels:`` list; a finding for each wrong one."""
    names = ", ".join(sorted(MESSAGE_CHANNELS))
    if not isinstance(value, list) or not value:
        file.problem(path, "shape", f"must be a list of channels ({names}); got {value!r}")
        return []
    valid: list[Channel] = []
    for i, item in enumerate(value):
        if item not in MESSAGE_CHANNELS:
            file.problem((*path, i), "channel", f"must be one of {names}; got {item!r}")
        elif item in valid:
            file.problem((*path, i), "duplicate", f"{item} is listed twice")
        else:
            valid.append(Channel(item))
    return valid


def _locale_keys(file: _File, value: Any, path: KeyPath) -> dict[str, Any]:
    """The ``locales:`` mapping with only well-formed tags; a finding for each other."""
    if not isinstance(value, dict) or not value:
        file.problem(path, "shape", "must map locale tags (en, zh-Hans, …) to texts")
        return {}
    good: dict[str, Any] = {}
    for tag, texts in value.items():
        if not isinstance(tag, str) or subtags(tag) is None:
            file.problem((*path, str(tag)), "locale", f"{tag!r} is not a BCP 47 language tag")
        else:
            good[tag] = texts
    if LAST_RESORT not in good:
        file.problem(path, "locale", f"needs an {LAST_RESORT!r} block, the last-resort fallback")
    return good


def _read_disclosures(entry: Traversable, findings: list[Finding]) -> dict[str, Disclosure]:
    file = _File(str(entry), findings)
    data = file.parse(entry.read_text(encoding="utf-8"))
    if data is None and file.node is None:
        return {}
    if not isinstance(data, dict):
        file.problem((), "shape", "must map disclosure ids to their definitions")
        return {}
    result: dict[str, Disclosure] = {}
    for disclosure_id, spec in data.items():
        path: KeyPath = (str(disclosure_id),)
        before = len(findings)
        if not isinstance(disclosure_id, str) or not _NAME.match(disclosure_id):
            file.problem(path, "name", "ids are lower-case letters, digits and _")
        if not isinstance(spec, dict):
            file.problem(path, "shape", f"must be a mapping of {', '.join(_DISCLOSURE_KEYS)}")
            continue
        _keys(file, spec, path, _DISCLOSURE_KEYS)
        source = spec.get("source")
        if not isinstance(source, str) or not source.strip():
            file.problem((*path, "source"), "missing_field", "name the rule it satisfies")
        mandatory = spec.get("mandatory", False)
        if not isinstance(mandatory, bool):
            file.problem((*path, "mandatory"), "shape", f"must be true or false; got {mandatory!r}")
        channels = _channels(file, spec.get("channels"), (*path, "channels"))
        when = spec.get("when")
        if when is not None and when not in FACTS:
            file.problem((*path, "when"), "shape", f"must be one of {', '.join(FACTS)}")
        texts: dict[str, dict[str, str]] = {}
        for tag, by_key in _locale_keys(file, spec.get("locales"), (*path, "locales")).items():
            where: KeyPath = (*path, "locales", tag)
            if not isinstance(by_key, dict):
                file.problem(where, "shape", "must map default and/or channels to texts")
                continue
            _keys(file, by_key, where, ("default", *sorted(channels)))
            for key, text in by_key.items():
                if not isinstance(text, str) or not text.strip():
                    file.problem((*where, key), "shape", "must be non-empty text")
            texts[tag] = {k: str(t).strip() for k, t in by_key.items()}
            for channel in channels:
                if channel.value not in by_key and "default" not in by_key:
                    file.problem(where, "missing_text", f"no text for {channel} and no default")
        if len(findings) == before:
            result[disclosure_id] = Disclosure(
                disclosure_id, str(source), frozenset(channels), bool(mandatory), texts, when
            )
    return result


def _read_template(
    entry: Traversable,
    disclosures: Mapping[str, Disclosure],
    env: ImmutableSandboxedEnvironment,
    findings: list[Finding],
) -> tuple[Template, dict[tuple[str, Channel], Part]] | None:
    """Check one template file through every stage; None if any stage found a problem."""
    file = _File(str(entry), findings)
    data = file.parse(entry.read_text(encoding="utf-8"))
    before = len(findings)
    if data is None and file.node is None:
        return None
    if not isinstance(data, dict):
        file.problem((), "shape", f"a template is a mapping of {', '.join(_TEMPLATE_KEYS)}")
        return None
    _keys(file, data, (), _TEMPLATE_KEYS)
    for key in _TEMPLATE_KEYS:
        if key not in data:
            file.problem((), "missing_field", f"missing field {key!r}")

    stem = entry.name.removesuffix(".yaml")
    name = data.get("name")
    if "name" in data and (not isinstance(name, str) or not _NAME.match(name)):
        file.problem(("name",), "name", f"lower-case letters, digits and _ only; got {name!r}")
    elif "name" in data and name != stem:
        file.problem(("name",), "name", f"must match the file name {stem!r}; got {name!r}")
    version = data.get("version")
    if "version" in data and (
        isinstance(version, bool) or not isinstance(version, int) or version < 1
    ):
        file.problem(("version",), "version", f"must be a whole number from 1; got {version!r}")
    description = data.get("description")
    if "description" in data and (not isinstance(description, str) or not description.strip()):
        file.problem(("description",), "shape", "say what the message is for")
    structural = len(findings)  # the problems above do not stop the texts being tried
    channels = _channels(file, data.get("channels"), ("channels",)) if "channels" in data else []
    listed = data.get("disclosures", [])
    if not isinstance(listed, list) or not all(isinstance(i, str) for i in listed):
        file.problem(("disclosures",), "shape", f"must be a list of disclosure ids; got {listed!r}")
        listed = []
    for i, disclosure_id in enumerate(listed):
        if disclosure_id not in disclosures:
            known = ", ".join(sorted(disclosures)) or "none"
            file.problem(
                ("disclosures", i),
                "disclosure",
                f"unknown disclosure {disclosure_id!r}; {DISCLOSURES_FILE} defines {known}",
            )
    locales = _locale_keys(file, data.get("locales"), ("locales",)) if "locales" in data else {}
    for tag, by_channel in locales.items():
        where: KeyPath = ("locales", tag)
        if not isinstance(by_channel, dict):
            file.problem(where, "shape", "must map each channel to its texts")
            continue
        for key in by_channel:
            if key not in channels:
                file.problem(
                    (*where, key),
                    "channel",
                    f"not one of this template's channels ({', '.join(channels)})",
                )
        for channel in channels:
            texts = by_channel.get(channel.value)
            wanted = CHANNEL_PARTS[channel]
            if not isinstance(texts, dict):
                file.problem(where, "missing_text", f"no {channel} text ({', '.join(wanted)})")
                continue
            _keys(file, texts, (*where, channel.value), wanted)
            for part in wanted:
                if not isinstance(texts.get(part), str) or not texts[part].strip():
                    file.problem((*where, channel.value), "missing_text", f"needs a {part}")
    if len(findings) > structural:
        return None  # without well-formed channels and texts there is nothing to try

    template = Template(
        name=str(name),
        version=version if isinstance(version, int) else 0,
        description=str(description),
        channels=tuple(channels),
        disclosures=tuple(dict.fromkeys(listed)),
        locales=tuple(locales),
        source=file.source,
    )
    parts = _compile(file, template, locales, env)
    if parts is None:
        return None
    _try_samples(file, template, parts, disclosures)
    return (template, parts) if len(findings) == before else None


def _compile(
    file: _File,
    template: Template,
    locales: Mapping[str, Mapping[str, Mapping[str, str]]],
    env: ImmutableSandboxedEnvironment,
) -> dict[tuple[str, Channel], Part] | None:
    parts: dict[tuple[str, Channel], Part] = {}
    ok = True
    for tag in template.locales:
        for channel in template.channels:
            compiled: dict[str, jinja2.Template] = {}
            for part, text in locales[tag][channel.value].items():
                path: KeyPath = ("locales", tag, channel.value, part)
                try:
                    compiled[part] = env.from_string(text)
                except jinja2.TemplateSyntaxError as exc:
                    ok = False
                    file.problem(path, "syntax", exc.message or str(exc), _offset(file, path, exc))
            if ok:
                parts[tag, channel] = Part(compiled.get("subject"), compiled["body"])
    return parts if ok else None


def _offset(file: _File, path: KeyPath, exc: jinja2.TemplateSyntaxError) -> int:
    """Lines from the field's key to the error: a block scalar starts on the next line."""
    node = file.node_at(path)
    block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
    return (exc.lineno - 1) + (1 if block else 0)


def _try_samples(
    file: _File,
    template: Template,
    parts: Mapping[tuple[str, Channel], Part],
    disclosures: Mapping[str, Disclosure],
) -> None:
    """Render every locale and channel with the sample context, as a send would."""
    for (tag, channel), part in parts.items():
        path: KeyPath = ("locales", tag, channel.value)
        scope = Scope(format_locale(tag), tag, channel, disclosures)
        try:
            subject, body = render_part(part, scope, SAMPLE_CONTEXT)
        except RenderRefused as exc:
            file.problem(path, "render", f"does not render: {exc}")
            continue
        except Exception as exc:  # any failure on the sample is a broken template
            file.problem(path, "render", f"does not render: {type(exc).__name__}: {exc}")
            continue
        if "\n" in subject:
            file.problem((*path, "subject"), "subject", "the subject must render as one line")
        if not body:
            file.problem((*path, "body"), "body", "the body renders empty")
        for message in missing_disclosures(template, scope, subject, body):
            file.problem(path, "disclosure", message)
