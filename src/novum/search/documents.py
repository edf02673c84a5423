"""A stored document as the document page and ``/api/v1/patents/{number}`` show it: the record with where it came
from, its claim tree, its citations both ways (which of them are in the store), and its family.
"""

from __future__ import annotations

from typing import Any

from novum.claims.tree import build_tree, claim_language, claim_set, segment_all
from novum.errors import NotFoundError
from novum.model import Citation, Patent
from novum.store.sqlite import Store, family_key


def record_view(store: Store, patent: Patent) -> dict[str, Any]:
    """The whole normalised record, its provenance and its derived fields (strategic emerging industries)."""
    out = {**patent.to_dict(), "provenance": store.provenance(patent.number)}
    out["sei"] = sei_matches(patent)
    return out


def sei_matches(patent: Patent) -> list[dict[str, Any]]:
    """The document's strategic emerging industry branches (CNIPA 2021 concordance), each with the class and the
    rule that put it there; derived from its classes, never stored."""
    from novum.analytics.sei import classify_symbols

    return [match.to_dict() for match in classify_symbols(patent.ipc, patent.cpc)]


def claim_tree(patent: Patent, lang: str | None = None) -> dict[str, Any]:
    """Independent claims with their dependants, each cut into preamble, transition and elements."""
    chosen = lang or claim_language(patent)
    claims = claim_set(patent, chosen)
    roots = build_tree(claims)
    segmented = segment_all(claims)
    return {"number": patent.number, "language": chosen, "count": len(claims),
            "tree": [root.to_dict(segmented) for root in roots]}  # fmt: skip


def backward_citations(store: Store, patent: Patent) -> list[dict[str, Any]]:
    """What the document cites, each with who cited it, the category, and the stored document it resolves to."""
    out = []
    for citation in patent.citations:
        row = {k: v for k, v in _citation_dict(citation).items() if v is not None}
        row["in_store"] = _resolve(store, citation)
        out.append(row)
    return out


def forward_citations(store: Store, patent: Patent) -> list[dict[str, Any]]:
    """Stored documents that cite this one, oldest first."""
    rows = store.citing(patent.number)
    records = store.get_many(r["number"] for r in rows)
    out = []
    for row in rows:
        citing = records.get(row["number"])
        out.append({"number": row["number"], "title": citing.title() if citing else None,
                    "publication_date": row["publication_date"], "cited_by": row["cited_by"],
                    "category": row["category"]})  # fmt: skip
    return out


def family(store: Store, patent: Patent) -> dict[str, Any]:
    """The family as the store knows it: stored members sharing the family key, and members the record lists."""
    key = family_key(patent)
    stored = [n for n in store.family_members(key)] if not key.startswith("n:") else [patent.number]
    listed = [n for n in patent.family_members if n not in stored]
    records = store.get_many(stored)
    members = []
    for number in stored:
        member = records.get(number)
        members.append({"number": number, "title": member.title() if member else None,
                        "publication_date": member.publication_date if member else None,
                        "kind": member.kind if member else None, "in_store": True})  # fmt: skip
    for text in listed:
        try:
            resolved = store.resolve(text)
        except NotFoundError:
            members.append({"number": text, "title": None, "publication_date": None, "kind": None, "in_store": False})
            continue
        if resolved not in stored:
            other = store.get(resolved)
            members.append({"number": resolved, "title": other.title(), "publication_date": other.publication_date,
                            "kind": other.kind, "in_store": True})  # fmt: skip
    return {"number": patent.number, "family_id": patent.family_id, "members": members}


def _citation_dict(citation: Citation) -> dict[str, Any]:
    names = ("number", "country", "doc_number", "kind", "date", "name", "text", "cited_by", "category", "phase")
    return {name: getattr(citation, name) for name in names}


def _resolve(store: Store, citation: Citation) -> str | None:
    if not citation.is_patent:
        return None
    text = citation.number or f"{citation.country or ''}{citation.doc_number or ''}{citation.kind or ''}"
    try:
        return store.resolve(text)
    except NotFoundError:
        return None
