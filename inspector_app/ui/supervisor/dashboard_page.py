"""The supervisor's dashboard: volume, outcomes per brand, turnaround, overrides and agreement over a period.

Statistics over a year of verdicts take seconds, so they are computed on a
worker while a busy bar shows; a newer choice of period wins over an older
one still running. Rates are numbers with words; charts are drawn only where a
shape says more than a number, and an empty period says so in words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCharts import (
    QBarCategoryAxis, QBarSet, QChart, QChartView, QDateTimeAxis, QLineSeries, QStackedBarSeries, QValueAxis,
)
from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QPalette, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QStackedWidget, QVBoxLayout, QWidget,
)

from reports.verdict import Verdict

from ..bench_context import BenchContext
from ..messages import describe_error
from ..status_style import status_colour, status_word
from ..workers import JobRunner
from ...services.audit import Statistics

#: (label, days back; None: everything)
PERIODS: tuple[tuple[str, int | None], ...] = (
    ("Last 7 days", 7), ("Last 30 days", 30), ("Last 90 days", 90), ("All time", None))


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = seconds / 60
    if minutes < 90:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f} %"


class DashboardPage(QWidget):
    status = Signal(str)
    loaded = Signal(object)   # the Statistics shown

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("dashboard-page")
        self._context = context
        self._runner = JobRunner(self)
        self._generation = 0
        self.statistics: Statistics | None = None

        self.period = QComboBox()
        self.period.setObjectName("dashboard-period")
        self.period.setAccessibleName("Period")
        self.period.setToolTip("Which verdicts the figures cover, by the day they were signed (Ctrl+P)")
        for label, days in PERIODS:
            self.period.addItem(label, days)
        self.period.setCurrentIndex(1)
        self.period.currentIndexChanged.connect(self.refresh)
        caption = QLabel("&Period")
        caption.setBuddy(self.period)
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("dashboard-busy")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setAccessibleName("Computing the statistics")
        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self.period)
        top.addWidget(self.busy_bar)
        top.addStretch(1)

        self.total = self._figure("dashboard-total")
        self.turnaround = self._figure("dashboard-turnaround")
        self.override = self._figure("dashboard-override")
        self.agreement = self._figure("dashboard-agreement")
        figures = QHBoxLayout()
        for label in (self.total, self.turnaround, self.override, self.agreement):
            figures.addWidget(label, 1)

        self.per_day = self._chart_view("dashboard-per-day")
        self.per_brand = self._chart_view("dashboard-per-brand")
        self.turnaround_chart = self._chart_view("dashboard-turnaround-chart")
        charts = QWidget()
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addLayout(figures, 0, 0, 1, 2)
        grid.addWidget(self.per_day, 1, 0)
        grid.addWidget(self.per_brand, 1, 1)
        grid.addWidget(self.turnaround_chart, 2, 0, 1, 2)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(2, 2)

        self.message = QLabel()
        self.message.setObjectName("dashboard-message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.message)
        self.pages.addWidget(charts)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)

        self._keys = [("Ctrl+P", "Choose the period", self._focus_period), ("F5", "Compute again", self.refresh)]
        for key, _what, slot in self._keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.refresh()

    def shortcuts(self) -> list[tuple[str, str]]:
        return [(key, what) for key, what, _slot in self._keys]

    @property
    def computing(self) -> bool:
        return self._runner.busy

    def refresh(self) -> None:
        """Compute the chosen period's statistics on a worker."""
        self._generation += 1
        generation, days = self._generation, self.period.currentData()
        since = None if days is None else datetime.combine(date.today() - timedelta(days=days - 1), time()).astimezone()
        audit, actor = self._context.audit, self._context.user
        self.busy_bar.show()
        self.message.setText("Computing the statistics…")
        if self.statistics is None:
            self.pages.setCurrentWidget(self.message)
        self._runner.start(lambda _progress: audit.statistics(actor, since=since),
                           on_finished=lambda stats: self._on_statistics(generation, stats),
                           on_failed=lambda exc: self._on_failed(generation, exc))

    def _on_statistics(self, generation: int, stats: Statistics) -> None:
        if generation != self._generation:
            return
        self.busy_bar.hide()
        self.statistics = stats
        if stats.verdicts == 0:
            self.message.setText(f"No verdicts were signed in this period ({self.period.currentText().lower()}).")
            self.pages.setCurrentWidget(self.message)
        else:
            self._show(stats)
            self.pages.setCurrentIndex(1)
        self.loaded.emit(stats)

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.busy_bar.hide()
            self.message.setText(f"The statistics cannot be computed: {describe_error(exc)}")
            self.pages.setCurrentWidget(self.message)

    def _show(self, stats: Statistics) -> None:
        self.total.setText(f"<b>{stats.verdicts:,}</b><br>verdicts signed")
        self.turnaround.setText(f"<b>{duration_text(stats.median_turnaround_s)}</b><br>median turnaround "
                                "(intake to signature)")
        self.override.setText(f"<b>{rate_text(stats.override_rate)}</b><br>overridden "
                              "(decided against the machine)")
        self.agreement.setText(f"<b>{rate_text(stats.agreement_rate)}</b><br>agreement in "
                               f"{stats.reviews:,} second {'opinion' if stats.reviews == 1 else 'opinions'}"
                               if stats.reviews else "<b>—</b><br>no second opinion in this period")
        self.per_day.setChart(self._day_chart("Verdicts per day", stats.items_per_day, "verdicts"))
        self.per_brand.setChart(self._brand_chart(stats.per_brand))
        unit, per = ("minutes", 60) if max(stats.turnaround_per_day.values(), default=0) >= 120 else ("seconds", 1)
        self.turnaround_chart.setChart(self._day_chart(
            f"Median turnaround per day ({unit})", {d: s / per for d, s in stats.turnaround_per_day.items()}, unit))

    # -- charts --
    def _new_chart(self, title: str) -> QChart:
        chart = QChart()
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        chart.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
        chart.setBackgroundBrush(self.palette().brush(QPalette.ColorRole.Base))
        chart.setTitleBrush(self.palette().brush(QPalette.ColorRole.Text))
        chart.setTitle(title)
        chart.legend().setLabelBrush(self.palette().brush(QPalette.ColorRole.Text))
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        return chart

    def _day_chart(self, title: str, values: Mapping[date, float], unit: str) -> QChart:
        chart = self._new_chart(title)
        series = QLineSeries()
        series.setName(unit)
        series.setPointsVisible(True)
        for day, value in values.items():
            series.append(_msecs(day), value)
        chart.addSeries(series)
        chart.legend().hide()
        axis_x = QDateTimeAxis()
        axis_x.setFormat("MMM d")
        days = list(values)
        first, last = (days[0], days[-1]) if days else (date.today(), date.today())
        axis_x.setRange(QDateTime.fromMSecsSinceEpoch(_msecs(first - timedelta(days=1))),
                        QDateTime.fromMSecsSinceEpoch(_msecs(last + timedelta(days=1))))
        # a short span gets one tick per day, on the points (noon); a long one a few spread ticks
        axis_x.setTickCount(min((last - first).days + 3, 9))
        self._attach(chart, series, axis_x, _value_axis(max(values.values(), default=0), whole=unit == "verdicts"))
        return chart

    def _brand_chart(self, per_brand: Mapping[str, Mapping[str, int]]) -> QChart:
        chart = self._new_chart("Outcomes per brand")
        series = QStackedBarSeries()
        for verdict in Verdict:
            bar = QBarSet(status_word(verdict.value))
            bar.setColor(status_colour(verdict.value))
            bar.append([float(counts.get(verdict.value, 0)) for counts in per_brand.values()])
            series.append(bar)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append(list(per_brand))
        self._attach(chart, series, axis_x, _value_axis(max((sum(c.values()) for c in per_brand.values()), default=0),
                                                        whole=True))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        return chart

    def _attach(self, chart: QChart, series: QLineSeries | QStackedBarSeries, axis_x: QDateTimeAxis |
                QBarCategoryAxis, axis_y: QValueAxis) -> None:
        text = self.palette().brush(QPalette.ColorRole.Text)
        for axis, side in ((axis_x, Qt.AlignmentFlag.AlignBottom), (axis_y, Qt.AlignmentFlag.AlignLeft)):
            axis.setLabelsBrush(text)
            chart.addAxis(axis, side)
            series.attachAxis(axis)

    def _chart_view(self, name: str) -> QChartView:
        view = QChartView()
        view.setObjectName(name)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(220)
        return view

    def _figure(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        return label

    def _focus_period(self) -> None:
        self.period.setFocus(Qt.FocusReason.ShortcutFocusReason)


def _value_axis(top: float, *, whole: bool) -> QValueAxis:
    """An axis from 0 with round ticks; counts get whole-number ticks only (no "1, 1, 2, 2")."""
    axis = QValueAxis()
    if whole:
        top = math.ceil(top * 1.1)   # room above the highest point
        step = max(1, math.ceil(top / 5))
        ticks = max(1, math.ceil(top / step))
        axis.setRange(0, step * ticks)
        axis.setTickCount(ticks + 1)
        axis.setLabelFormat("%d")
    else:
        axis.setRange(0, top * 1.1 or 1)
        axis.applyNiceNumbers()
        axis.setLabelFormat("%.1f" if axis.max() < 10 else "%.0f")
    return axis


def _msecs(day: date) -> int:
    """Noon UTC of the day, so a point sits in the middle of its day whatever the zone."""
    return int(datetime.combine(day, time(12), tzinfo=UTC).timestamp() * 1000)
