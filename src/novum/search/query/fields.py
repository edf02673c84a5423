"""Field spellings of every dialect mapped onto novum's canonical fields.

USPTO (``.ti.``, ``TTL/``, ``@pd``), Espacenet/CQL (``ti=``, ``pa=``, ``pd>=``), EPOQUE (``/TI``) and the Chinese
names CNIPA users type (``名称=``) all land on the same few fields, so one compiler serves every dialect.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

# The text fields of the index (see novum.index.lexical.TEXT_FIELDS), in canonical order.
TEXT_FIELDS = ("title", "abstract", "claims", "independent_claims", "description", "applicant", "inventor")
FULLTEXT = ("title", "abstract", "claims", "description")  # what an unfielded term searches
# Named groups: how a tuple of text fields is printed when it is not a single field.
GROUPS: dict[str, tuple[str, ...]] = {
    "fulltext": FULLTEXT,
    "title_abstract": ("title", "abstract"),
    "title_abstract_claims": ("title", "abstract", "claims"),
    "applicant_inventor": ("applicant", "inventor"),
}

Kind = Literal["text", "date", "class", "value"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What an alias means: text fields to search, or the date/class/value field it names."""

    kind: Kind
    name: str  # canonical name: a text field or group, "published", "cpc", "country"...
    fields: tuple[str, ...] = ()


_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "ti", "ttl", "tit", "名称", "标题", "发明名称"),
    "abstract": ("abstract", "ab", "abs", "abst", "摘要"),
    "claims": ("claims", "claim", "cl", "clm", "clms", "aclm", "权利要求", "权利要求书"),
    "independent_claims": ("independent_claims", "independent", "iclm", "clmi", "独立权利要求"),
    "description": ("description", "desc", "spec", "detd", "bsum", "ds", "说明书"),
    "applicant": ("applicant", "assignee", "pa", "as", "asn", "an", "aanm", "申请人", "专利权人", "申请人/专利权人"),
    "inventor": ("inventor", "in", "inv", "innm", "发明人", "设计人"),
    "fulltext": ("fulltext", "all", "txt", "full", "ftxt", "text", "全文"),
    "title_abstract": ("title_abstract", "ta", "tiab", "名称摘要"),
    "title_abstract_claims": ("title_abstract_claims", "tac", "ctxt", "名称摘要权利要求"),
    "applicant_inventor": ("applicant_inventor", "ia"),  # Espacenet: inventor and applicant
    "number": ("number", "pn", "num", "did", "公开号", "公告号", "公开公告号"),
    "priority_number": ("priority_number", "pr", "prn", "优先权号"),  # Espacenet's priority-number index
    "cpc": ("cpc", "cpci", "cpca", "cpcl"),
    "ipc": ("ipc", "ic", "icl", "ipcr", "分类号", "主分类号", "ipc分类号"),
    "country": ("country", "pc", "cc", "国家", "国别"),
    "kind": ("kind", "kd", "kc", "文献类型"),
    "sei": ("sei", "战略性新兴产业", "战新产业"),  # CNIPA strategic emerging industry code: sei=1.1, sei=1
    "published": ("published", "pd", "isd", "pubdate", "公开日", "公告日", "授权公告日", "公开公告日"),
    "filed": ("filed", "ad", "apd", "fd", "filing", "申请日"),
    "priority": ("priority", "prd", "prad", "优先权日"),
    "effective": ("effective",),
}


def _spec(name: str) -> FieldSpec:
    if name in TEXT_FIELDS:
        return FieldSpec("text", name, (name,))
    if name in GROUPS:
        return FieldSpec("text", name, GROUPS[name])
    if name in ("published", "filed", "priority", "effective"):
        return FieldSpec("date", name)
    if name in ("cpc", "ipc"):
        return FieldSpec("class", name)
    return FieldSpec("value", name)


ALIASES: dict[str, FieldSpec] = {alias: _spec(name) for name, aliases in _ALIASES.items() for alias in aliases}
# PatFT prefixes (``TTL/wireless``) are recognised in upper case only, so ``in/out`` stays a word.
PATFT_PREFIXES = frozenset({"TTL", "ABST", "ACLM", "SPEC", "AN", "IN", "CPC", "ICL", "ISD", "APD", "PN", "CCL"})
# EPOQUE suffixes (``wireless/TI``, ``H04L9/32/IC``); any case, only these codes.
EPOQUE_SUFFIXES = frozenset({"ti", "ab", "cl", "clm", "clms", "desc", "txt", "pa", "in", "ic", "ipc", "cpc", "pn"})


def lookup(alias: str) -> FieldSpec | None:
    """The field an alias names (case-insensitive, ``@`` prefix of USPTO date fields ignored), or ``None``."""
    return ALIASES.get(alias.lower().lstrip("@"))


def union_text(specs: list[FieldSpec]) -> tuple[str, ...]:
    """The text fields of several aliases (``.ti,ab.``, ``/TI/AB``), in canonical order."""
    wanted = {f for spec in specs for f in spec.fields}
    return tuple(f for f in TEXT_FIELDS if f in wanted)


def field_name(fields: tuple[str, ...]) -> str:
    """The canonical printed name of a tuple of text fields: a field, a named group, or a comma list."""
    if len(fields) == 1:
        return fields[0]
    for name, members in GROUPS.items():
        if members == fields:
            return name
    return ",".join(fields)


# --- dates ------------------------------------------------------------------------------------------------------
_YMD = re.compile(r"^(\d{4})[-./]?(\d{2})[-./]?(\d{2})$")
_YM = re.compile(r"^(\d{4})[-./](\d{1,2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")  # PatFT's 1/31/2010


def date_bounds(text: str) -> tuple[int, int] | None:
    """First and last day a date as typed covers (``2010`` → 20100101..20101231), or ``None`` if not a date."""
    raw = text.strip()
    if re.fullmatch(r"\d{4}", raw):
        return int(raw + "0101"), int(raw + "1231")
    match = _YMD.match(raw)
    parts: tuple[int, int, int] | None = None
    if match:
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif (us := _US.match(raw)) is not None:
        parts = (int(us[3]), int(us[1]), int(us[2]))
    elif (ym := _YM.match(raw)) is not None:
        year, month = int(ym[1]), int(ym[2])
        if not 1 <= month <= 12:
            return None
        return year * 10000 + month * 100 + 1, year * 10000 + month * 100 + 31
    if parts is None:
        return None
    try:
        dt.date(*parts)
    except ValueError:
        return None
    day = parts[0] * 10000 + parts[1] * 100 + parts[2]
    return day, day


def shift_day(day: int, delta: int) -> int:
    """The YYYYMMDD integer ``delta`` days away (for ``>`` and ``<``)."""
    date = dt.date(day // 10000, day // 100 % 100, day % 100) + dt.timedelta(days=delta)
    return date.year * 10000 + date.month * 100 + date.day
