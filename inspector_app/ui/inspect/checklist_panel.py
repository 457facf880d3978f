"""The checklist, one check at a time, answered with single keys and saved as each answer is given.

The machine pre-fills the checks tied to a zone; the inspector confirms or
overrides them (P pass, F fail, N not applicable, Enter accepts what is
shown). An answer is checked at once with the same rule the service applies
(``reports.checklist.check_answer``), so a fail without a note is refused
before anything moves; then it is saved on a worker, one save after the
other, so the keys never wait for the disk and a crash loses nothing that was
answered.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reports.checklist import CheckState, RuleViolation, check_answer, checklist_problems

from ...services.cases import CaseView
from ..bench_context import BenchContext
from ..messages import describe_error
from ..status_style import status_colour, status_dot, status_word
from ..workers import JobRunner



@dataclass(frozen=True)
class _Save:
    """One answer on its way to the database, with the line it replaced (restored if the save is refused)."""

    case_number: str
    check_id: str
    answer: str
    note: str
    before: CheckState


class ChecklistPanel(QWidget):
    status = Signal(str)
    changed = Signal()      # an answer was saved
    completed = Signal()    # every check is answered acceptably (after a save)

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self._case: str | None = None
        self._states: list[CheckState] = []
        self._index = 0
        self._pending_fail = False          # F pressed, waiting for the note and Enter
        self._queue: deque[_Save] = deque()
        self._saving: _Save | None = None
        self._runner = JobRunner(self)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.checks = QListWidget()
        self.checks.setObjectName("checkList")
        self.checks.setAccessibleName("All checks")
        self.checks.setFocusPolicy(Qt.FocusPolicy.NoFocus)    # the keys belong to the current check
        self.checks.setWordWrap(True)
        self.checks.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.checks.currentRowChanged.connect(lambda row: self.go_to(row) if row >= 0 else None)

        self.position = QLabel()
        self.position.setObjectName("checkPosition")
        self.text = QLabel()
        self.text.setObjectName("checkText")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        font = QFont(self.text.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.text.setFont(font)
        self.details = QLabel()
        self.details.setObjectName("checkDetails")
        self.machine = QLabel()
        self.machine.setObjectName("checkMachine")
        self.machine.setWordWrap(True)
        self.answer = QLabel()
        self.answer.setObjectName("checkAnswer")
        self.answer.setWordWrap(True)
        self.note = QLineEdit()
        self.note.setObjectName("checkNote")
        self.note.setPlaceholderText("Note (required when the check fails); Enter saves")
        self.note.setAccessibleName("Note")
        self.note.setFocusPolicy(Qt.FocusPolicy.ClickFocus)   # F or a click: P/F/N are answers, not text
        self.note.returnPressed.connect(self.confirm)
        note_label = QLabel("&Note")
        note_label.setBuddy(self.note)
        self.message = QLabel()
        self.message.setObjectName("checkMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {status_colour('fail').name()};")
        self.progress = QLabel()
        self.progress.setObjectName("checkProgress")

        self._keys: list[tuple[str, str]] = []
        buttons = QHBoxLayout()
        for name, text, keys, slot, what in (
            ("pass", "Pass (P)", ("P",), lambda: self.give("pass"), "The check passes"),
            ("fail", "Fail (F)", ("F",), lambda: self.give("fail"), "The check fails: write why in the note"),
            ("na", "Not applicable (N)", ("N",), lambda: self.give("na"), "The check does not apply to this item"),
            ("previous", "◀ Previous", ("Left", "Up"), self.previous, "Previous check"),
            ("next", "Next ▶", ("Right", "Down"), self.next, "Next check"),
        ):
            button = QPushButton(text)
            button.setObjectName(f"check_{name}")
            button.setToolTip(f"{what} ({' / '.join(keys)})")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self._shortcut(keys, slot, what)
        buttons.addStretch(1)
        self._shortcut(("Return", "Enter"), self.confirm,
                       "Accept the pre-filled answer, or save the note of a fail")
        escape = QShortcut(QKeySequence("Escape"), self.note)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self._cancel_fail)

        current = QWidget()
        column = QVBoxLayout(current)
        column.addWidget(self.position)
        column.addWidget(self.text)
        column.addWidget(self.details)
        column.addSpacing(8)
        column.addWidget(self.machine)
        column.addWidget(self.answer)
        column.addSpacing(8)
        note_row = QHBoxLayout()
        note_row.addWidget(note_label)
        note_row.addWidget(self.note, 1)
        column.addLayout(note_row)
        column.addWidget(self.message)
        column.addLayout(buttons)
        column.addStretch(1)
        column.addWidget(self.progress)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.checks)
        splitter.addWidget(current)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._show_current()

    # -- the contract --
    def shortcuts(self) -> list[tuple[str, str]]:
        return list(self._keys)

    def show_case(self, view: CaseView) -> None:
        """Show a case's checklist, starting at the first check that still needs an answer."""
        self._case = view.case_number
        self._states = list(view.checklist)
        self._pending_fail = False
        self._fill_list()
        open_checks = [i for i, s in enumerate(self._states) if s.effective is None]
        self.go_to(open_checks[0] if open_checks else 0)

    @property
    def states(self) -> tuple[CheckState, ...]:
        """The checklist as shown (answers not saved yet included)."""
        return tuple(self._states)

    @property
    def current(self) -> CheckState | None:
        return self._states[self._index] if self._states else None

    @property
    def busy(self) -> bool:
        """Answers are still being saved."""
        return self._saving is not None or bool(self._queue)

    @property
    def complete(self) -> bool:
        return bool(self._states) and not checklist_problems(self._states)

    # -- answering and moving --
    def give(self, answer: str) -> None:
        """Answer the current check; a fail with no note yet asks for one first."""
        state = self.current
        if state is None:
            return
        note = self.note.text()
        if answer == "fail" and not note.strip():
            self._pending_fail = True
            self._say("Write why it fails, then press Enter.")
            self.note.setFocus()
            return
        self._save(state, answer, note)

    def confirm(self) -> None:
        """Enter: save the note of a fail, or accept what the check shows (its answer or the machine's)."""
        state = self.current
        if state is None:
            return
        if self._pending_fail:
            self._save(state, "fail", self.note.text())
        elif state.effective is not None:
            self._save(state, state.effective, self.note.text())
        else:
            self._say("Nothing is pre-filled for this check: answer with P, F or N.")

    def previous(self) -> None:
        self.go_to(self._index - 1)

    def next(self) -> None:
        self.go_to(self._index + 1)

    def go_to(self, index: int) -> None:
        if not self._states:
            return
        self._index = min(max(index, 0), len(self._states) - 1)
        self._pending_fail = False
        if self.note.hasFocus():
            self.setFocus()   # back to answering keys: a P on the next check is an answer, not text
        self._say("")
        self._show_current()

    # -- internals --
    def _shortcut(self, keys: tuple[str, ...], slot: object, what: str) -> None:
        for key in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._keys.append((" / ".join(keys), what))

    def _save(self, state: CheckState, answer: str, note: str) -> None:
        try:
            check_answer(state.check, answer, note)     # the service's own rule, refused before anything moves
        except RuleViolation as exc:
            self._say(describe_error(exc))
            if answer == "fail":
                self.note.setFocus()
            return
        assert self._case is not None
        self._queue.append(_Save(self._case, state.check.id, answer, note.strip(), state))
        self._states[self._index] = replace(state, answer=answer, note=note.strip())
        self._refresh_item(self._index)
        self._pending_fail = False
        self.setFocus()
        self._save_next()
        if self._index + 1 < len(self._states):
            self.go_to(self._index + 1)
        else:
            self._show_current()

    def _save_next(self) -> None:
        if self._saving is not None or not self._queue:
            return
        save = self._saving = self._queue.popleft()
        cases, user = self._context.cases, self._context.user
        self._runner.start(
            lambda _progress: cases.answer_check(user, save.case_number, save.check_id, save.answer, save.note),
            on_finished=self._saved, on_failed=self._refused)

    def _saved(self, state: CheckState) -> None:
        save, self._saving = self._saving, None
        if save is not None and save.case_number == self._case:
            self._replace(state)
        self.changed.emit()
        self._save_next()
        if not self.busy and self.complete:
            self.completed.emit()
            self.status.emit("Checklist complete: the verdict can be given.")

    def _refused(self, exc: BaseException) -> None:
        save, self._saving = self._saving, None
        if save is not None and save.case_number == self._case:
            self._replace(save.before)
            self.go_to(next(i for i, s in enumerate(self._states) if s.check.id == save.check_id))
            self._say(f"Not saved: {describe_error(exc)}")
        self._save_next()

    def _replace(self, state: CheckState) -> None:
        index = next((i for i, s in enumerate(self._states) if s.check.id == state.check.id), None)
        if index is not None:
            self._states[index] = state
            self._refresh_item(index)
            if index == self._index:
                self._show_current()

    def _fill_list(self) -> None:
        self.checks.blockSignals(True)
        self.checks.clear()
        for index in range(len(self._states)):
            self.checks.addItem(QListWidgetItem())
            self._refresh_item(index)
        self.checks.blockSignals(False)

    def _refresh_item(self, index: int) -> None:
        state = self._states[index]
        item = self.checks.item(index)
        if item is None:
            return
        effective = state.effective
        item.setText(f"{state.check.text}\n{status_word(effective) if effective else 'Not answered'}"
                     + (" · critical" if state.check.critical else ""))
        item.setIcon(status_dot(effective or "inconclusive"))
        item.setToolTip(state.check.text)
        self._show_progress()

    def _show_current(self) -> None:
        state = self.current
        if state is None:
            self.position.setText("")
            self.text.setText("No case open." if self._case is None else "This case's pack has no checklist.")
            for label in (self.details, self.machine, self.answer):
                label.setText("")
            self.note.setEnabled(False)
            self._show_progress()
            return
        self.note.setEnabled(True)
        self.position.setText(f"Check {self._index + 1} of {len(self._states)}")
        self.text.setText(state.check.text)
        self.details.setText(("Critical" if state.check.critical else "Not critical")
                             + (f" · zone {state.check.zone}" if state.check.zone else " · not tied to a zone"))
        self.machine.setText(_machine_line(state))
        self.answer.setText(_answer_line(state))
        # the note that goes with what is shown: the inspector's, or the machine's reason for a fail
        self.note.setText(state.note if state.answer else state.machine_note if state.machine == "fail" else "")
        self.checks.blockSignals(True)
        self.checks.setCurrentRow(self._index)
        self.checks.blockSignals(False)
        self._show_progress()

    def _show_progress(self) -> None:
        answered = sum(1 for s in self._states if s.effective is not None)
        by_machine = sum(1 for s in self._states if s.answer is None and s.machine is not None)
        critical_left = sum(1 for s in self._states if s.check.critical and checklist_problems([s]))
        text = f"{answered} of {len(self._states)} answered"
        if by_machine:
            text += f" ({by_machine} pre-filled by the machine)"
        self.progress.setText(f"{text}, {critical_left} critical left")

    def _say(self, message: str) -> None:
        self.message.setText(message)
        if message:
            self.status.emit(message)

    def _cancel_fail(self) -> None:
        self._pending_fail = False
        self._say("")
        self.setFocus()


def _coloured(status: str) -> str:
    return f'<b style="color:{status_colour(status).name()}">{status_word(status)}</b>'


def _machine_line(state: CheckState) -> str:
    if state.machine is not None:
        note = f" — {state.machine_note}" if state.machine_note else ""
        return f"Machine: {_coloured(state.machine)}{note}"
    if state.check.zone:
        return f"Machine: no answer (zone {state.check.zone} was not decided)"
    return "Machine: no answer (this check is for the inspector)"


def _answer_line(state: CheckState) -> str:
    if state.answer is None:
        hint = "Enter accepts the machine's answer" if state.machine else "answer with P, F or N"
        return f"Your answer: none yet ({hint})"
    note = f" — {state.note}" if state.note else ""
    return f"Your answer: {_coloured(state.answer)}{note}"
