"""How sure remit is of a number it did not measure: the verification tags.

Every dose limit, pharmacokinetic parameter and code that remit ships comes from
the project's reference notes, where each figure carries a tag saying whether it
was read in a primary source, only in a secondary one, derived by arithmetic, or
not found at all (``../shared/reference/drugs.md`` §0). The tag travels with the
number into every result, so an unverified figure is never presented with the
same confidence as a label value.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Verification(enum.Enum):
    """The reference notes' tags, weakest last in :attr:`rank` order."""

    VERIFIED = "V"  # read in the cited primary source
    DERIVED = "D"  # arithmetic from verified or secondary inputs (or a classification made by the notes' author)
    SECONDARY = "S"  # seen only in a secondary source (drug database, review, model transcription)
    UNVERIFIED = "U"  # from a brief or memory; not found in anything read

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def rank(self) -> int:
        """0 for verified up to 3 for unverified: the weakest tag of a
        combination decides how a result is caveated."""
        return _RANK[self]

    @property
    def needs_caveat(self) -> bool:
        return self is not Verification.VERIFIED

    @classmethod
    def weakest(cls, *tags: Verification) -> Verification:
        return max(tags, key=lambda tag: tag.rank, default=cls.VERIFIED)


_LABELS = {
    Verification.VERIFIED: "verified in the primary source",
    Verification.DERIVED: "derived (arithmetic or classification in the reference notes, not from a source)",
    Verification.SECONDARY: "secondary source only (confirm in the primary source)",
    Verification.UNVERIFIED: "unverified (not found in any source read)",
}
_RANK = {Verification.VERIFIED: 0, Verification.DERIVED: 1, Verification.SECONDARY: 2, Verification.UNVERIFIED: 3}


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a figure comes from: a tag, the source keys of the reference note
    (``"V:3"`` style, numbers from its source list) and a sentence of context."""

    verification: Verification
    sources: tuple[str, ...] = ()
    note: str = ""

    def describe(self) -> str:
        keys = f" [{', '.join(self.sources)}]" if self.sources else ""
        text = f"{self.verification.label}{keys}"
        return f"{text}; {self.note}" if self.note else text
