"""Industry filters for matching: CNIPA's strategic emerging industries (SEI) from ``novum.analytics.sei``.

A document's industries are derived from its IPC (else CPC) symbols by issue 10's concordance; a need matched with
``--industry 1.1`` (or ``1``, or the branch's Chinese name) keeps the patents classified there.
"""

from __future__ import annotations

from novum.match import MatchError
from novum.model import Patent


def industry_codes(names: list[str]) -> list[str]:
    """Typed industries (codes ``1.1``/``1`` or Chinese branch names) as checked SEI codes."""
    try:
        from novum.analytics import sei
    except ImportError as exc:  # the analytics package is issue 10's; without it there is no concordance
        raise MatchError("industry filters need novum.analytics.sei (the SEI concordance)") from exc
    by_name = {name: code for code, name in sei.branch_names().items()}
    return [by_name.get(name.strip()) or sei.check_code(name) for name in names]


def in_industries(patent: Patent, codes: list[str]) -> bool:
    """Whether one of the document's SEI branches is, or lies under, one of ``codes``."""
    from novum.analytics import sei

    mine = sei.codes(patent.ipc, patent.cpc)
    return any(code == wanted or code.startswith(wanted + ".") for code in mine for wanted in codes)
