"""Which elements the follow-up plan should address first (p.21, p.23-24).

The regulation says to prioritise the elements with the lowest values. Project rule, which
reproduces the seed report (its three lowest elements became the plan's priorities): the k
lowest elements, lowest first, then every further element graded C or D, because a unit
cannot leave a "Kurang Baik" element out of its plan just because k was reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .compute import ElementResult

__all__ = ["priority_codes"]


def priority_codes(elements: Sequence[ElementResult], k: int = 3) -> tuple[str, ...]:
    """Codes of the priority elements, lowest exact score first.

    Ties keep questionnaire order (the position in ``elements``), which is code order for
    the default questionnaire. Elements nobody answered have no score and are skipped.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ValueError(f"k must be a non-negative integer, not {k!r}")
    ranked = sorted(
        (e for e in elements if e.score is not None),
        key=lambda e: e.score,  # sorted() is stable: ties stay in questionnaire order
    )
    chosen = list(ranked[:k])
    chosen.extend(e for e in ranked[k:] if e.grade is not None and e.grade.letter in "CD")
    return tuple(e.code for e in chosen)
