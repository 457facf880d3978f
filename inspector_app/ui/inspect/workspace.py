"""The inspector's workspace: one item from intake to the signed report, step by step.

The step bar shows where the case is (Intake, Capture, Compare, Checklist,
Verdict) and which steps can be reached yet: comparing needs an analysis,
the verdict needs a complete checklist. Every step's state lives in the
database (the services commit each photo and answer when taken), so opening
a case rebuilds the workspace exactly where it was left.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from enum import IntEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup, QHBoxLayout, QLabel, QProgressBar, QPushButton, QStackedWidget, QToolButton, QVBoxLayout, QWidget,
)

from reference_library.catalog import ModelSummary, ZoneSummary
from reports.checklist import checklist_problems

from ...services.cases import CaseError, CaseView, SignedVerdict, TakenPhoto
from ..bench_context import BenchContext
from ..messages import describe_error
from ..status_style import status_word
from ..workers import JobRunner
from .capture_page import CapturePage
from .checklist_panel import ChecklistPanel
from .compare_panel import ComparePanel
from .intake_page import IntakePage
from .verdict_panel import VerdictPanel

log = logging.getLogger(__name__)


class Step(IntEnum):
    INTAKE = 0
    CAPTURE = 1
    COMPARE = 2
    CHECKLIST = 3
    VERDICT = 4

    @property
    def title(self) -> str:
        return self.name.capitalize()


@dataclass(frozen=True)
class CaseModel:
    """What the case's pack says about its item: names for the screen and the zones in shot order."""

    brand_name: str
    model: ModelSummary

    @property
    def zones(self) -> tuple[ZoneSummary, ...]:
        return self.model.zones


def case_model(context: BenchContext, view: CaseView) -> CaseModel:
    """The case's model in the pack version the case is pinned to (runs on a worker)."""
    pack = context.cases.pack_for(context.user, view.case_number)
    model = next((m for m in pack.models if m.id == view.model), None)
    if model is None:
        raise CaseError(f"pack {pack.brand} {pack.label} has no model '{view.model}'")
    return CaseModel(pack.brand_name, model)


def analysis_current(view: CaseView) -> bool:
    """The case has an analysis and it judged the photos the case holds now (a later retake needs a new one)."""
    judged = {zone["zone"]: zone.get("photo_sha256") for zone in view.zones}
    return bool(judged) and all(judged.get(zone) == sha for zone, sha in view.photos.items())


def step_for(view: CaseView) -> Step:
    """Where a resumed case continues."""
    if not analysis_current(view):
        return Step.CAPTURE
    if not checklist_problems(view.checklist):
        return Step.VERDICT
    if any(state.answer is not None for state in view.checklist):
        return Step.CHECKLIST
    return Step.COMPARE


class InspectionWorkspace(QWidget):
    status = Signal(str)
    caseChanged = Signal(str)   # the case in hand; empty when none

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("inspectionWorkspace")
        self._context = context
        self._runner = JobRunner(self)
        self._view: CaseView | None = None
        self._signed: SignedVerdict | None = None
        self._analysing = False
        self._names = ""   # brand and model of the case in hand, as the pack names them

        self.intake = IntakePage(context)
        self.intake.caseOpened.connect(self.open_case)
        self.capture = CapturePage(context)
        self.capture.analyseRequested.connect(self.analyse)
        self.capture.shotTaken.connect(self._on_shot)
        self.compare = ComparePanel(context)
        self.checklist = ChecklistPanel(context)
        self.checklist.completed.connect(self._on_checklist_complete)
        self.verdict = VerdictPanel(context)
        self.verdict.signed.connect(self._on_signed)
        self.panels: dict[Step, ComparePanel | ChecklistPanel | VerdictPanel] = {
            Step.COMPARE: self.compare, Step.CHECKLIST: self.checklist, Step.VERDICT: self.verdict}
        self.stack = QStackedWidget()
        self.stack.setObjectName("inspectionSteps")
        for page in (self.intake, self.capture, *self.panels.values()):
            self.stack.addWidget(page)
            page.status.connect(self.status)

        self.step_buttons = QButtonGroup(self)
        self.step_buttons.setExclusive(True)
        bar = QHBoxLayout()
        for step in Step:
            button = QToolButton()
            button.setObjectName(f"step{step.title}")
            button.setText(f"{step.value + 1}  {step.title}")
            button.setToolTip(f"{step.title} (Ctrl+{step.value + 1})")
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.step_buttons.addButton(button, step.value)
            bar.addWidget(button)
        self.step_buttons.idClicked.connect(lambda index: self.go_to(Step(index)))
        bar.addStretch(1)
        self.case_label = QLabel()
        self.case_label.setObjectName("caseInHand")
        bar.addWidget(self.case_label)
        self.busy_label = QLabel()
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("analysisProgress")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setFixedWidth(160)
        self.busy_bar.setTextVisible(False)
        for widget in (self.busy_label, self.busy_bar):
            widget.hide()
            bar.addWidget(widget)
        self.next_button = QPushButton("Next step  (Ctrl+PgDown)")
        self.next_button.setObjectName("nextStepButton")
        self.next_button.clicked.connect(self.next_step)
        self.next_item_button = QPushButton("Next item  (Ctrl+N)")
        self.next_item_button.setObjectName("nextItemButton")
        self.next_item_button.clicked.connect(self.next_item)
        self.next_item_button.hide()
        bar.addWidget(self.next_button)
        bar.addWidget(self.next_item_button)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

        self._keys: list[tuple[str, str]] = []
        for step in Step:
            self._add_key(f"Ctrl+{step.value + 1}", f"go to {step.title.lower()}",
                          lambda _checked=False, s=step: self.go_to(s))
        self._add_key("Ctrl+PgDown", "next step", self.next_step)
        self._add_key("Ctrl+PgUp", "previous step", self.previous_step)
        self._add_key("Ctrl+N", "next item, once the verdict is signed", self.next_item)
        self._show_step(Step.INTAKE)

    def _add_key(self, keys: str, what: str, slot: object) -> None:
        action = QAction(what, self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        self._keys.append((keys, what[0].upper() + what[1:]))

    def shortcuts(self) -> list[tuple[str, str]]:
        """Every key of the inspector's flow: the workspace's own, then each step's."""
        keys = list(self._keys)
        for page in (self.intake, self.capture, *self.panels.values()):
            keys += page.shortcuts()
        return keys

    # -- where the case is --

    @property
    def case_number(self) -> str | None:
        return self._view.case_number if self._view is not None else None

    @property
    def view(self) -> CaseView | None:
        return self._view

    @property
    def current_step(self) -> Step:
        return Step(self.stack.currentIndex())

    @property
    def busy(self) -> bool:
        return self._runner.busy or self.capture.busy or self.intake.busy

    def reachable(self, step: Step) -> bool:
        if self._analysing:
            return False
        view = self._view
        if step is Step.INTAKE:
            return True
        if view is None:
            return False
        if self._signed is not None:
            return step is Step.VERDICT
        if step is Step.CAPTURE:
            return True
        analysed = analysis_current(view)
        if step is Step.VERDICT:
            return analysed and not checklist_problems(view.checklist)
        return analysed

    def go_to(self, step: Step) -> None:
        if not self.reachable(step):
            self.status.emit(self._why_not(step))
            self._update_bar()
            return
        if step is Step.VERDICT and self._view is not None and self._signed is None:
            self._reload(Step.VERDICT)   # the latest answers, whichever panel gave them
            return
        self._show_step(step)

    def next_step(self) -> None:
        following = [s for s in Step if s > self.current_step and self.reachable(s)]
        if following:
            self.go_to(following[0])
        else:
            self.status.emit(self._why_not(Step(min(self.current_step + 1, Step.VERDICT))))

    def previous_step(self) -> None:
        earlier = [s for s in Step if s < self.current_step and self.reachable(s)]
        if earlier:
            self.go_to(earlier[-1])

    def _why_not(self, step: Step) -> str:
        if self._analysing:
            return "The analysis is running; the steps open again when it is done."
        if self._view is None:
            return "Open a case first (Intake, Ctrl+1)."
        if self._signed is not None:
            return "The verdict is signed: Ctrl+N takes the next item."
        if step > Step.CAPTURE and not analysis_current(self._view):
            again = "A photo was taken after the analysis: analyse again" if self._view.zones else "Analyse the case first"
            return f"{again} (Ctrl+Return on the capture step)."
        problems = checklist_problems(self._view.checklist)
        return f"Finish the checklist first: {problems[0]}." if problems else ""

    def _show_step(self, step: Step) -> None:
        self.stack.setCurrentIndex(step.value)
        self._update_bar()
        page = self.stack.currentWidget()
        if step is Step.CAPTURE:
            self.capture.shot_list.setFocus()
        elif step is not Step.INTAKE:
            page.setFocus()

    def _update_bar(self) -> None:
        for step in Step:
            button = self.step_buttons.button(step.value)
            button.setEnabled(self.reachable(step))
            button.setChecked(step.value == self.stack.currentIndex())
        self.next_button.setVisible(self._signed is None)
        self.next_button.setEnabled(any(s > self.current_step and self.reachable(s) for s in Step))
        self.next_item_button.setVisible(self._signed is not None)
        number = self.case_number
        self.case_label.setText(f"Case {number} · {self._names}" if number else "No case open")

    # -- opening and reloading a case --

    def cancel_work(self) -> None:
        """The window closes: give the case in hand back, so another bench may take it over."""
        if self.case_number is None:
            return
        try:
            self._context.claims.leave(self._context.user, self.case_number)
        except Exception:   # the claim stays; this user at this bench takes it up again, or a supervisor frees it
            log.warning("the claim on case %s was not given back", self.case_number, exc_info=True)

    def open_case(self, case_number: str) -> None:
        """Resume a case where it was left: its photos, its analysis, its answers (from the database)."""
        self._reload(None, case_number)

    def _reload(self, step: Step | None, case_number: str | None = None) -> None:
        """Read the case again on a worker, then show ``step`` (None: the step the case is at)."""
        number = case_number or self.case_number
        if number is None:
            return
        if self._analysing:
            self.status.emit(f"Case {self.case_number} is being analysed; open case {number} when it is done.")
            return
        context, previous = self._context, self.case_number

        def work(_progress: object) -> tuple[CaseView, CaseModel]:
            if number == previous:
                view = context.cases.resume(context.user, number)
            else:   # a case coming in is claimed for this bench; the one left goes back for others
                view = context.cases.claim(context.user, number)
                if previous is not None:
                    context.claims.leave(context.user, previous)
            return view, case_model(context, view)

        self._runner.start(work, on_finished=lambda result: self._on_loaded(step, *result),
                           on_failed=lambda exc: self.status.emit(f"Case {number}: {describe_error(exc)}"))

    def _on_loaded(self, step: Step | None, view: CaseView, model: CaseModel) -> None:
        if view.state != "open":
            self.status.emit(f"Case {view.case_number} is decided: its signed verdict can only be reviewed.")
            return
        new_case = view.case_number != self.case_number
        self._view = view
        if new_case:
            self._signed = None
            self._names = f"{model.brand_name} {model.model.name}"
            self.capture.show_case(view, model.zones)
            self.caseChanged.emit(view.case_number)
        target = step if step is not None else step_for(view)
        if not self.reachable(target):
            target = Step.COMPARE if analysis_current(view) else Step.CAPTURE
        # a case coming in fills every panel; a reload only brings the verdict the latest answers
        self._show_panels(view, None if new_case or step is None else Step.VERDICT)
        if new_case or target is not self.current_step:
            self._show_step(target)
        else:
            self._update_bar()   # staying put: the focus stays where the inspector is typing

    def _show_panels(self, view: CaseView, only: Step | None = None) -> None:
        for step, panel in self.panels.items():
            if only in (None, step):
                panel.show_case(view)

    def _on_checklist_complete(self) -> None:
        """The verdict opens once the inspector has walked to the last check; before, it becomes reachable."""
        states, current = self.checklist.states, self.checklist.current
        at_end = current is not None and current.check.id == states[-1].check.id
        self._reload(Step.VERDICT if at_end else self.current_step)

    def _on_shot(self, taken: TakenPhoto) -> None:
        """The case holds a new photo: the steps after capture wait for an analysis that has judged it."""
        if self._view is not None:
            self._view = replace(self._view, photos={**self._view.photos, taken.zone: taken.sha256})
            self._update_bar()

    # -- analysis --

    def analyse(self) -> None:
        """Judge the case on a worker; the window stays usable and shows the analysis is running."""
        number = self.case_number
        if number is None or self._analysing:
            return
        context = self._context
        self._analysing = True
        self.capture.setEnabled(False)
        self.busy_label.setText(f"Analysing case {number}…")
        self.busy_label.show()
        self.busy_bar.show()
        self._update_bar()
        self.status.emit(f"Analysing case {number}: every zone against its references…")
        self._runner.start(lambda _progress: context.cases.analyse(context.user, number),
                           on_finished=self._on_analysed, on_failed=self._on_analysis_failed)

    def _end_analysis(self) -> None:
        self._analysing = False
        self.capture.setEnabled(True)
        self.busy_label.hide()
        self.busy_bar.hide()

    def _on_analysed(self, view: CaseView) -> None:
        self._end_analysis()
        self._view = view
        self._show_panels(view)
        suggested = status_word(view.suggested.value) if view.suggested else "no suggestion"
        self.status.emit(f"Case {view.case_number} analysed: the machine suggests {suggested}.")
        self._show_step(Step.COMPARE if self.reachable(Step.COMPARE) else Step.CAPTURE)

    def _on_analysis_failed(self, exc: BaseException) -> None:
        self._end_analysis()
        self._update_bar()
        self.status.emit(f"The analysis failed: {describe_error(exc)}")

    # -- signing and the next item --

    def _on_signed(self, verdict: SignedVerdict) -> None:
        self._signed = verdict
        tag = f", tag {verdict.tag_number}" if verdict.tag_number else ""
        self.status.emit(f"Case {verdict.case_number} signed: {status_word(verdict.decision.value)}{tag}. "
                         "Ctrl+N takes the next item.")
        self._update_bar()

    def next_item(self) -> None:
        """Back to intake for the next item; an unsigned case stays unfinished and can be resumed."""
        if self._view is not None and self._signed is None:
            self.status.emit(f"Case {self._view.case_number} is not signed yet; it stays in the unfinished "
                             "cases.")
        self._view = None
        self._signed = None
        self.capture.clear_case()
        self.caseChanged.emit("")
        self._show_step(Step.INTAKE)
        self.intake.refresh()
        self.intake.focus_number()
