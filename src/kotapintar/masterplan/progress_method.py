"""How the master plan's "% complete" is computed, in words and figures anyone can follow.

The figure (selectors.plan_progress) is weighted: every item has a weight (bobot), the Bimtek
deliverables share `progress_weights["deliverables"]` of the total by their weights and the OPD
worksheets share `progress_weights["worksheets"]` equally. "24 of 31 items" therefore does not read as
77 %. One function builds the explanation; the public page, the dashboard, the DOCX and the PDF all
show it, so they use the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from kotapintar.core.siteurl import absolute_url
from kotapintar.masterplan import selectors
from kotapintar.masterplan.models import Plan
from kotapintar.masterplan.selectors import Progress, ProgressItem


def num(value: float, places: int = 1) -> str:
    """A figure in the active language's format (Indonesian: 90,0; 3.150,00)."""
    return formats.number_format(round(value, places), decimal_pos=places, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Part:
    """A group of items (a Bimtek stage, the worksheets, a dimension's worksheets) and its share."""

    key: str
    name: str
    weight: float  # percentage points of the total the group can give (the sum of its items' bobot)
    done: float  # percentage points it gives now
    items_done: int
    items_total: int

    @property
    def percent(self) -> float:
        """The group's own completion (its weighted share done)."""
        return round(100 * self.done / self.weight, 1) if self.weight else 0.0

    @property
    def gap(self) -> float:
        return round(self.weight - self.done, 2)


@dataclass(frozen=True)
class Explanation:
    percent: float
    items_done: int
    items_total: int
    headline: str
    stages: list[Part]
    worksheets: Part
    dimensions: list[Part]
    paragraphs: list[str] = field(default_factory=list)
    dimension_notes: list[str] = field(default_factory=list)
    method_url: str = ""

    @property
    def parts(self) -> list[Part]:
        """The stages, then the worksheets: the groups whose contributions add up to the total."""
        return [*self.stages, self.worksheets]


def _part(key: str, name: str, items: list[ProgressItem]) -> Part:
    return Part(
        key=key,
        name=name,
        weight=round(sum(i.points for i in items), 2),
        done=round(sum(i.points for i in items if i.done), 2),
        items_done=sum(1 for i in items if i.done),
        items_total=len(items),
    )


def progress_explanation(*, plan: Plan, progress: Progress | None = None) -> Explanation:
    """The progress figure with its method: each stage's and each dimension's weight and contribution,
    and the sentences that say why (in the active language)."""
    progress = progress or selectors.plan_progress(plan=plan)
    items = progress.items
    deliverables = [i for i in items if i.kind == "deliverable"]
    worksheets = [i for i in items if i.kind == "worksheet"]
    stage_names = list(dict.fromkeys(i.group for i in deliverables))
    stages = [
        _part(f"stage-{n}", name, [i for i in deliverables if i.group == name])
        for n, name in enumerate(stage_names, start=1)
    ]
    ws_part = _part("worksheets", _("OPD worksheets"), worksheets)
    dimensions = [
        _part(
            code, name_en if selectors.lang_en() else name_id, [i for i in worksheets if i.dimension == code]
        )
        for code, name_id, name_en in selectors.dimension_names()
    ]
    done, total = len(progress.done_items), len(items)
    headline = _("%(pct)s%% · %(done)s of %(total)s items done") % {
        "pct": num(progress.percent),
        "done": done,
        "total": total,
    }
    paragraphs = [
        _(
            "The percentage is weighted, not a count of items: every item has a weight (bobot) and the "
            "percentage is the sum of the weights of the items done. Counting items alone would give "
            "%(count)s%% (%(done)s of %(total)s)."
        )
        % {"count": num(100 * done / total if total else 0.0), "done": done, "total": total},
        _(
            "The Bimtek deliverables (Tahap I–IV) weigh %(d)s%% of the total, shared by their weights; "
            "the OPD worksheets weigh %(w)s%%, shared equally (%(each)s%% each). A worksheet counts "
            "once Bappeda accepts it or the Dewan Smart City endorses it."
        )
        % {
            "d": num(_stages_weight(stages)),
            "w": num(ws_part.weight),
            "each": num(ws_part.weight / len(worksheets) if worksheets else 0.0, 2),
        }
        if worksheets
        else _("Only the Bimtek deliverables count so far: there is no worksheet yet."),
    ]
    notes = [
        _(
            "%(name)s: %(done)s of %(total)s worksheets done (%(pct)s%%). Its worksheets weigh %(weight)s%% "
            "of the total, so it adds %(points)s points and can add at most %(gap)s more."
        )
        % {
            "name": d.name,
            "done": d.items_done,
            "total": d.items_total,
            "pct": num(d.percent),
            "weight": num(d.weight, 2),
            "points": num(d.done, 2),
            "gap": num(d.gap, 2),
        }
        for d in dimensions
        if d.items_total
    ]
    lowest = min((d for d in dimensions if d.items_total), key=lambda d: d.percent, default=None)
    if lowest is not None:
        paragraphs.append(
            _(
                "A dimension moves the total only by its weight: %(name)s is at %(pct)s%% but its "
                "worksheets weigh %(weight)s%% of the total, so finishing it would raise the total by "
                "%(gap)s points at most."
            )
            % {
                "name": lowest.name,
                "pct": num(lowest.percent),
                "weight": num(lowest.weight, 2),
                "gap": num(lowest.gap, 2),
            }
        )
    return Explanation(
        percent=progress.percent,
        items_done=done,
        items_total=total,
        headline=headline,
        stages=stages,
        worksheets=ws_part,
        dimensions=dimensions,
        paragraphs=paragraphs,
        dimension_notes=notes,
        method_url=absolute_url(reverse("masterplan:public")) + "#metode",
    )


def _stages_weight(stages: list[Part]) -> float:
    """The weight of all Bimtek stages together (percentage points)."""
    return sum(s.weight for s in stages)
