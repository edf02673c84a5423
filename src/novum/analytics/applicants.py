"""Applicant names cleaned so one firm is counted once: case, punctuation, accents and legal forms removed, then an
editable alias file applied.

Offices and databases spell the same firm many ways (``SAMSUNG ELECTRONICS CO., LTD.`` and ``SAMSUNG ELECTRONICS
CO., LTD``; ``KONINKLIJKE PHILIPS ELECTRONICS N.V.`` and ``... N. V.``; ``华为技术有限公司``), so counting raw strings
splits a leader into several small players. Cleaning is deliberately conservative: it removes what is never part of
a firm's identity (legal forms, punctuation, case), and leaves merging subsidiaries or translations to the alias
file, where the analyst decides and can see the decision.

Alias file (``<data dir>/applicant-aliases.tsv``, and the one shipped in the package): one line per alias,
``name<TAB>canonical name``; both sides are cleaned before they are compared, ``#`` starts a comment.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from novum.errors import NovumError

ALIAS_FILE = "applicant-aliases.tsv"

# Legal forms, as words after punctuation is removed (longest first so "CO LTD" goes before "LTD").
_LEGAL_FORMS = sorted(
    [
        "INCORPORATED", "INC", "CORPORATION", "CORP", "COMPANY", "CO", "LIMITED", "LTD", "LLC", "L L C", "LLP",
        "LP", "L P", "PLC", "GMBH", "GMBH CO KG", "CO KG", "KG", "AG", "AKTIENGESELLSCHAFT", "SA", "S A", "SAS", "SARL",
        "SPA", "S P A", "SRL", "BV", "B V", "NV", "N V", "AB", "OY", "OYJ", "ASA", "AS", "APS", "KK",
        "KABUSHIKI KAISHA", "CO LTD", "COMPANY LIMITED", "CORPORATION LIMITED", "PTY", "PTY LTD", "PTE", "PTE LTD",
        "SE", "SL", "GESELLSCHAFT MIT BESCHRANKTER HAFTUNG", "HOLDINGS", "THE", "PUBL",
    ],
    key=lambda s: -len(s),
)  # fmt: skip
_TRAILING = re.compile(r"(?:\s+(?:" + "|".join(re.escape(f) for f in _LEGAL_FORMS) + r"))+$")
_LEADING = re.compile(r"^(?:THE|KABUSHIKI KAISHA|KK)\s+")
# Chinese legal forms at the end of a name (longest first).
_ZH_FORMS = re.compile(r"(?:股份有限公司|有限责任公司|集团有限公司|有限公司|公司)$")
_GERMAN = str.maketrans({"Ä": "AE", "Ö": "OE", "Ü": "UE", "ß": "SS", "ä": "AE", "ö": "OE", "ü": "UE"})
_PUNCT = re.compile(r"[^\w\s&]+|_")
_SPACES = re.compile(r"\s+")
# Initials before a word: "L M ERICSSON" -> "LM ERICSSON", as "L.M." and "LM" are written (letters at the end are
# a legal form's, "I, L.P.", and are left for the legal forms to remove)
_INITIALS = re.compile(r"\b[A-Z](?: [A-Z])+\b(?= \w{2,})")


class AliasFileError(NovumError):
    """A malformed alias line: the message names the file, line and reason."""


def clean_name(name: str) -> str:
    """The comparison key of an applicant name: ``"Samsung Electronics Co., Ltd."`` → ``"SAMSUNG ELECTRONICS"``.

    German umlauts are spelled out (``HAUSGERÄTE`` → ``HAUSGERAETE``, as German registers do), other accents are
    dropped, full-width characters folded, ``&`` kept (``AT&T``), single initials joined (``L M`` → ``LM``, as
    ``L.M.`` and ``LM`` are written). A name made only of a legal form stays itself.
    """
    text = unicodedata.normalize("NFKC", name).strip()
    text = _ZH_FORMS.sub("", text) or text
    text = text.translate(_GERMAN).upper()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _PUNCT.sub(" ", text)
    text = _INITIALS.sub(lambda run: run.group(0).replace(" ", ""), _SPACES.sub(" ", text).strip())
    stripped = _LEADING.sub("", _TRAILING.sub("", text)).strip()
    stripped = _TRAILING.sub("", stripped).strip()
    return stripped or text


@dataclass(slots=True)
class Aliases:
    """Cleaned alias → cleaned canonical name, with where each mapping came from."""

    mapping: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def canonical(self, cleaned: str) -> str:
        seen = {cleaned}
        while cleaned in self.mapping:  # chains (A → B, B → C) resolve; a loop stops where it started
            cleaned = self.mapping[cleaned]
            if cleaned in seen:
                break
            seen.add(cleaned)
        return cleaned

    def add_text(self, text: str, source: str) -> None:
        for number, line in enumerate(text.splitlines(), start=1):
            body = line.split("#", 1)[0].rstrip()
            if not body.strip():
                continue
            parts = [p.strip() for p in body.split("\t")]
            if len(parts) != 2 or not all(parts):
                raise AliasFileError(f"{source}, line {number}: expected 'name<TAB>canonical name', got {line!r}")
            alias, target = clean_name(parts[0]), clean_name(parts[1])
            if alias != target:
                self.mapping[alias] = target
        self.sources.append(source)


def load_aliases(data_dir: Path | None = None, extra: Path | None = None) -> Aliases:
    """The shipped alias file, then ``<data dir>/applicant-aliases.tsv``, then ``extra`` (later lines win)."""
    aliases = Aliases()
    shipped = resources.files("novum.analytics").joinpath(f"data/{ALIAS_FILE}")
    aliases.add_text(shipped.read_text(encoding="utf-8"), f"novum/analytics/data/{ALIAS_FILE}")
    for path in (Path(data_dir) / ALIAS_FILE if data_dir is not None else None, extra):
        if path is not None and path.is_file():
            aliases.add_text(path.read_text(encoding="utf-8"), str(path))
    return aliases


@dataclass(slots=True)
class ApplicantGroup:
    """One cleaned applicant: the spelling shown (its most frequent raw name) and the raw names it merges."""

    key: str
    label: str
    raw_names: Counter[str]

    @property
    def merged(self) -> int:
        return len(self.raw_names)


class ApplicantCleaner:
    """Cleans names once each (names repeat across thousands of documents) and remembers the raw spellings."""

    def __init__(self, aliases: Aliases | None = None) -> None:
        self.aliases = aliases or Aliases()
        self._keys: dict[str, str] = {}
        self.groups: dict[str, ApplicantGroup] = {}

    def key(self, raw: str) -> str:
        found = self._keys.get(raw)
        if found is None:
            found = self._keys[raw] = self.aliases.canonical(clean_name(raw))
        return found

    def add(self, raw: str) -> str:
        """The cleaned key of ``raw``, counting the spelling in its group."""
        key = self.key(raw)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = ApplicantGroup(key, raw, Counter())
        group.raw_names[raw.strip()] += 1
        return key

    def merge(self, later: ApplicantCleaner) -> None:
        """Count the spellings another cleaner (with the same aliases) saw after this one's, as if added here."""
        self._keys.update(later._keys)
        for key, theirs in later.groups.items():
            mine = self.groups.get(key)
            if mine is None:
                self.groups[key] = theirs
            else:
                mine.raw_names.update(theirs.raw_names)

    def label(self, key: str) -> str:
        group = self.groups.get(key)
        if group is None:
            return key
        return max(group.raw_names.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]


def applicant_keys(names: Iterable[str], cleaner: ApplicantCleaner) -> list[str]:
    """The distinct cleaned applicants of one document, in order."""
    return list(dict.fromkeys(cleaner.add(n) for n in names if n and n.strip()))
