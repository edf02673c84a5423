"""BM25 recomputed from tantivy's explanation of a hit: at other k1 and b, or (shards) with other statistics.

tantivy scores BM25 with k1 1.2 and b 0.75 fixed; neither it nor tantivy-py lets them be set. For a long text read
as a query (a pasted abstract, ``novum similar``) those are not the best: measured on the tuning half of the PatSnap
citation topics (docs/benchmarks.md, "Why novum lexical lost to plain BM25"), k1 4.0 and b 0.9 rank the cited prior
art higher, and the choice holds on the held-out half. So the first ``RESCORE_DEPTH`` hits of such a query are
scored again from what tantivy's explanation of each hit gives (per term and field: its frequency, the field's
length and average length, the term's document frequency), summed over fields as tantivy sums them. What matches,
and the filters, stay tantivy's; only the order of the first hits changes. It serves rankings BM25 makes alone:
hybrid search fuses the first pass, with whose scores its lexical weight was chosen. The sharded index reads the
same explanations to score with collection-wide statistics (``novum.index.shards``).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import tantivy

K1 = 4.0
B = 0.9
# The hits scored again: 20 gave the tuning half's best (10, 50 and 100 were 0.002 lower), at about 1 ms a hit.
RESCORE_DEPTH = 20
BOOST = re.compile(r"Boost x([0-9.eE+-]+) of")
_STATISTICS = ("freq", "k1", "b", "dl", "avgdl", "n", "N")

Item = TypeVar("Item")
_log = logging.getLogger(__name__)


def idf(docs_with_term: float, docs: float) -> float:
    return math.log(1 + (docs - docs_with_term + 0.5) / (docs_with_term + 0.5))


def saturation(freq: float, length: float, average_length: float, k1: float, b: float) -> float:
    """BM25's term-frequency part, (k1 + 1) tf / (tf + k1 (1 - b + b dl / avgdl))."""
    norm = 1 - b + b * length / average_length if average_length > 0 else 1.0
    return (k1 + 1) * freq / (freq + k1 * norm)


def term_statistics(node: dict[str, Any]) -> dict[str, float]:
    """The numbers of one term's BM25 explanation: freq, k1, b, dl, avgdl, n and N (those present)."""
    out: dict[str, float] = {}

    def walk(item: dict[str, Any]) -> None:
        head = str(item.get("description", "")).split(",", 1)[0].strip()
        if head in _STATISTICS:
            out[head] = float(item["value"])
        for child in item.get("details") or []:
            walk(child)

    walk(node)
    return out


def explained_score(node: dict[str, Any], k1: float = K1, b: float = B) -> float | None:
    """A hit's BM25 score at ``k1``/``b``, from its explanation (tantivy's JSON, parsed); None when the explanation
    names no term's statistics (a tantivy whose explanations read otherwise)."""
    description = str(node.get("description", ""))
    children = node.get("details") or []
    if description.startswith("TermQuery"):
        found = term_statistics(node)
        if not all(name in found for name in ("freq", "dl", "avgdl", "n", "N")):
            return None
        return idf(found["n"], found["N"]) * saturation(found["freq"], found["dl"], found["avgdl"], k1, b)
    boost = BOOST.match(description)
    parts = [explained_score(child, k1, b) for child in children]
    known = [part for part in parts if part is not None]
    if not known:
        return None
    return (float(boost.group(1)) if boost else 1.0) * sum(known)


def second_pass(
    hits: Sequence[tuple[float, Item]], score_again: Callable[[Item], float | None], depth: int = RESCORE_DEPTH
) -> list[tuple[float, Item]]:
    """``hits`` (score, item), best first, with the first ``depth`` scored again and reordered; the rest keep
    their order, scaled to stay below them. If one cannot be scored again, the order is kept and the reason
    logged."""
    head = list(hits[:depth])
    again: list[tuple[float, Item]] = []
    for _, item in head:
        score = score_again(item)
        if score is None:
            _log.warning("BM25 second pass skipped: tantivy's explanation of a hit names no term statistics")
            return list(hits)
        again.append((score, item))
    again.sort(key=lambda pair: -pair[0])  # stable: equal scores keep the first order
    tail = list(hits[depth:])
    if not tail:
        return again
    first_lowest = head[-1][0]
    factor = again[-1][0] / first_lowest if first_lowest > 0 else 1.0
    return again + [(score * factor, item) for score, item in tail]


def rescore(
    query: tantivy.Query, searcher: tantivy.Searcher, hits: Sequence[tuple[float, Any]], depth: int = RESCORE_DEPTH
) -> list[tuple[float, Any]]:
    """tantivy's ``(score, address)`` hits of ``query`` with the first ``depth`` at ``K1``/``B``."""
    return second_pass(
        hits, lambda address: explained_score(json.loads(query.explain(searcher, address).to_json())), depth
    )
