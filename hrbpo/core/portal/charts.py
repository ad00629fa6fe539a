"""Charts on the HR dashboard, drawn on the server as SVG: no script, the
same picture in every browser, mirrored for right-to-left pages (time runs
from the right, bars grow from the right). Each chart also carries a title,
a description and a table of its numbers (templates/portal/_chart.html)."""
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_decimal, format_percent, gettext

from hrbpo.core.people import stats
from hrbpo.core.plugins.types import Chart

WIDTH, COLUMNS_HEIGHT, ROW = 600, 220, 34
MARGIN = {"top": 22, "bottom": 30, "side": 8}


@dataclass
class Mark:
    """One bar as drawn: its box, its label and value texts and where they go."""
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass
class Drawing:
    chart: Chart
    width: int
    height: int
    marks: list[Mark]
    anchor_start: str  # text-anchor for texts at the start side ("start", or "end" when mirrored)
    anchor_end: str


def core_charts(tenant) -> list[Chart]:
    """Headcount at each month's end and hires by month, over the last twelve months."""
    today = datetime.now(ZoneInfo(tenant.timezone or "UTC")).date()
    headcount, hires = stats.monthly(today)
    first, last = format_date(headcount[0][0], "MMMM y"), format_date(headcount[-1][0], "MMMM y")

    def bars(series):
        return tuple((format_date(month, "MMM"), value) for month, value in series)

    return [
        Chart(gettext("Headcount"), bars(headcount), order=1, description=gettext(
            "Employees at the end of each month, from %(first)s to %(last)s; now %(now)s.",
            first=first, last=last, now=format_decimal(headcount[-1][1]))),
        Chart(gettext("Hires by month"), bars(hires), order=2, description=gettext(
            "People hired in each month, from %(first)s to %(last)s; %(total)s in all.",
            first=first, last=last, total=format_decimal(sum(v for _, v in hires)))),
    ]


def draw(chart: Chart, rtl: bool) -> Drawing:
    return _parts(chart, rtl) if chart.kind == "parts" else _columns(chart, rtl)


def _mirror(x: float, width: float, rtl: bool) -> float:
    return WIDTH - x - width if rtl else x


def _columns(chart: Chart, rtl: bool) -> Drawing:
    top, bottom, side = MARGIN["top"], MARGIN["bottom"], MARGIN["side"]
    plot = COLUMNS_HEIGHT - top - bottom
    peak = max([v for _, v in chart.bars] + [1])
    slot = (WIDTH - 2 * side) / max(len(chart.bars), 1)
    marks = []
    for i, (label, value) in enumerate(chart.bars):
        height = plot * value / peak
        x = _mirror(side + i * slot + slot * .15, slot * .7, rtl)
        centre = x + slot * .35
        marks.append(Mark(x, top + plot - height, slot * .7, height, label, format_decimal(value),
                          centre, COLUMNS_HEIGHT - 10, centre, top + plot - height - 5))
    return Drawing(chart, WIDTH, COLUMNS_HEIGHT, marks, "middle", "middle")


def _parts(chart: Chart, rtl: bool) -> Drawing:
    total = chart.total if chart.total is not None else sum(v for _, v in chart.bars)
    label_width, value_width = WIDTH * .3, WIDTH * .2
    track = WIDTH - label_width - value_width
    marks = []
    for i, (label, value) in enumerate(chart.bars):
        y = MARGIN["side"] + i * ROW
        width = track * value / total if total else 0
        share = format_percent(value / total) if total else "—"
        marks.append(Mark(_mirror(label_width, width, rtl), y + 6, width, ROW - 12, label,
                          f"{format_decimal(value)} ({share})",
                          _mirror(0, 0, rtl), y + ROW / 2 + 5,
                          _mirror(label_width + track + 6, 0, rtl), y + ROW / 2 + 5))
    return Drawing(chart, WIDTH, 2 * MARGIN["side"] + len(chart.bars) * ROW, marks,
                   "end" if rtl else "start", "end" if rtl else "start")
