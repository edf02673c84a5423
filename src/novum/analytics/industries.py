"""Named industries (the future industries of the 2025 work report and any the user adds) as definition files.

A definition is a TOML file: classes (CPC/IPC prefixes as ``--cpc`` takes them), a query-language expression,
keywords in English and Chinese (phrases searched in titles and abstracts) and a source note. A document belongs to
the industry when it matches any of them: the definition compiles to one query-language expression, so the
landscape, the monitor, the web page and ``novum search`` select the same set. The files shipped in
``novum/analytics/industries/`` are versioned (``version``); files in ``<data dir>/industries/`` add industries or
override a shipped one of the same ``name``. A malformed file is refused with its path, line and reason.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from novum.errors import NovumError, QuerySyntaxError
from novum.normalize.classification import normalize_symbol

USER_DIR = "industries"
_REQUIRED = ("name", "title_en", "title_zh", "version", "source")
_LISTS = ("cpc", "ipc", "keywords_en", "keywords_zh")
_KNOWN = {*_REQUIRED, *_LISTS, "query", "description"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CLASS = re.compile(r"^[A-HY]\d{2}[A-Z](?:\d{1,4}(?:/\d*)?)?$")


class IndustryDefinitionError(NovumError):
    """A definition file that cannot be used: names the file, the line and the reason."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}{f', line {line}' if line else ''}: {reason}")


class UnknownIndustryError(NovumError):
    """An industry name no definition file has; the message lists the known ones."""


@dataclass(frozen=True, slots=True)
class Industry:
    name: str  # "quantum-technology"
    title_en: str
    title_zh: str
    version: str
    source: str
    path: str
    cpc: tuple[str, ...] = ()
    ipc: tuple[str, ...] = ()
    query: str | None = None
    keywords_en: tuple[str, ...] = ()
    keywords_zh: tuple[str, ...] = ()
    description: str | None = None
    digest: str = ""  # sha256 of the file's bytes (first 12 hex digits), so a report names the exact definition
    user: bool = False  # from the data directory rather than shipped

    def expression(self) -> str:
        """The whole definition as one query-language expression (the parts OR-ed)."""
        parts = [f"cpc={c}" for c in self.cpc] + [f"ipc={c}" for c in self.ipc]
        parts += [f'ta="{k}"' for k in (*self.keywords_en, *self.keywords_zh)]
        if self.query:
            parts.append(f"({self.query})")
        return " OR ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title_en": self.title_en,
            "title_zh": self.title_zh,
            "version": self.version,
            "digest": self.digest,
            "source": self.source,
            "path": self.path,
            "user": self.user,
            "cpc": list(self.cpc),
            "ipc": list(self.ipc),
            "query": self.query,
            "keywords_en": list(self.keywords_en),
            "keywords_zh": list(self.keywords_zh),
            "description": self.description,
            "expression": self.expression(),
        }


def parse_definition(text: str, path: str, *, user: bool = False) -> Industry:
    """One definition file's text checked and read; ``IndustryDefinitionError`` says where and why it is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise IndustryDefinitionError(path, int(found.group(1)) if found else None, f"not valid TOML: {exc}") from None

    def fail(key: str | None, reason: str) -> IndustryDefinitionError:
        return IndustryDefinitionError(path, _line_of(text, key) if key else None, reason)

    for key in data:
        if key not in _KNOWN:
            raise fail(key, f"unknown key {key!r}; a definition has {', '.join(sorted(_KNOWN))}")
    for key in _REQUIRED:
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise fail(key if key in data else None, f"{key!r} is required and must be a non-empty string")
    if not _NAME.match(data["name"]):
        raise fail("name", f"name {data['name']!r} must be lower-case letters, digits and hyphens")
    lists: dict[str, tuple[str, ...]] = {}
    for key in _LISTS:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(key, f"{key!r} must be a list of non-empty strings")
        lists[key] = tuple(v.strip() for v in value)
    for key in ("cpc", "ipc"):
        for symbol in lists[key]:
            compact = symbol.upper().replace(" ", "")
            if not _CLASS.match(compact) or ("/" in compact and not normalize_symbol(compact + "0")):
                raise fail(key, f"{symbol!r} in {key!r} is not a class prefix such as H04L, H04L9/ or H04L9/32")
    for key in ("keywords_en", "keywords_zh"):
        for word in lists[key]:
            if '"' in word:
                raise fail(key, f"keyword {word!r} contains a double quote")
    query = data.get("query")
    if query is not None and (not isinstance(query, str) or not query.strip()):
        raise fail("query", "'query' must be a non-empty string")
    industry = Industry(
        name=data["name"],
        title_en=data["title_en"].strip(),
        title_zh=data["title_zh"].strip(),
        version=data["version"].strip(),
        source=data["source"].strip(),
        path=path,
        cpc=tuple(c.upper().replace(" ", "") for c in lists["cpc"]),
        ipc=tuple(c.upper().replace(" ", "") for c in lists["ipc"]),
        query=query.strip() if query else None,
        keywords_en=lists["keywords_en"],
        keywords_zh=lists["keywords_zh"],
        description=data.get("description"),
        digest=hashlib.sha256(text.encode()).hexdigest()[:12],
        user=user,
    )
    if not industry.expression():
        raise fail(None, "a definition needs at least one of cpc, ipc, keywords_en, keywords_zh or query")
    from novum.search.query import parse  # the query language imports the index; keep this module light

    try:
        if industry.query:
            parse(industry.query, "AND")
        parse(industry.expression(), "AND")
    except QuerySyntaxError as exc:
        raise fail("query" if industry.query else None, f"the query does not parse: {exc}") from None
    return industry


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None


def shipped_files() -> list[tuple[str, str]]:
    """(path, text) of every definition shipped in the package, by file name."""
    folder = resources.files("novum.analytics").joinpath("industries")
    items = [f for f in folder.iterdir() if f.name.endswith(".toml")]
    return [(f"novum/analytics/industries/{f.name}", f.read_text(encoding="utf-8")) for f in sorted(items, key=str)]


def load_industries(data_dir: Path | None = None) -> dict[str, Industry]:
    """Shipped definitions, then the data directory's ``industries/*.toml`` (which add or override by name)."""
    found: dict[str, Industry] = {}
    for path, text in shipped_files():
        industry = parse_definition(text, path)
        found[industry.name] = industry
    if data_dir is not None:
        folder = Path(data_dir) / USER_DIR
        for file in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
            industry = parse_definition(file.read_text(encoding="utf-8"), str(file), user=True)
            found[industry.name] = industry
    return dict(sorted(found.items()))


def get_industry(name: str, data_dir: Path | None = None) -> Industry:
    """An industry by name (or its English/Chinese title); ``UnknownIndustryError`` lists the known ones."""
    known = load_industries(data_dir)
    wanted = name.strip().lower()
    for industry in known.values():
        if wanted in (industry.name, industry.title_en.lower(), industry.title_zh):
            return industry
    listing = ", ".join(f"{i.name} ({i.title_zh})" for i in known.values())
    raise UnknownIndustryError(f"unknown industry {name!r}; known industries: {listing}")
