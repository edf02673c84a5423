"""Industry filters for matching: CNIPA's strategic emerging industries (SEI) of ``novum.analytics.sei``.

A document's industries are derived from its IPC (else CPC) symbols and indexed, so ``--industry 1.1`` (or ``1``,
or a branch's Chinese name such as 下一代信息网络产业) is a filter inside the search engines, like a class filter.
"""

from __future__ import annotations

from novum.analytics import sei


def industry_codes(names: list[str]) -> list[str]:
    """Typed industries (codes ``1.1``/``1`` or Chinese branch or section names) as checked SEI codes."""
    by_name = {name: code for code, name in sei.branch_names().items()}
    return [by_name.get(name.strip()) or sei.check_code(name) for name in names]
