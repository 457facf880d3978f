"""Compare: each analysed zone's photo beside its reference, the machine's evidence, its findings in words.

The inspector checks what the machine saw before agreeing with it. Every
picture shown is one the analysis stored (the photo, the aligned photo, the
reference in the same frame, the heat map, the matched points, the drawn
measurements, and where a logo's difference was contradicted, the photo as
aligned through the reference that contradicted it), so nothing here
re-judges anything. A view the zone has no evidence for is disabled and says
why, rather than showing an empty frame (the confirmed alignment, shown only
for the exception, has no button at all there; its key says why).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSlider,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reference_library.catalog import ZoneSummary

from ...services.cases import CaseView
from ..bench_context import BenchContext
from ..messages import describe_error
from ..status_style import status_colour, status_dot, status_word
from ..workers import JobRunner
from .image_pair_view import ImagePairView, ImageView, PictureCache

Zone = Mapping[str, Any]   # one zone of a CaseView, shaped like ``inspect --json``

ZONE_ROLE = Qt.ItemDataRole.UserRole + 20
#: Flicker: each picture is shown this long, so the pair alternates twice a second.
FLICKER_MS = 250
#: Zone kinds judged by measurements rather than by aligning pictures.
MEASURED_KINDS = ("stitching", "code", "texture")
#: The evidence pictures that show measurements drawn on the photo, by preference.
MEASUREMENT_EVIDENCE = ("measurements", "code", "letters")
#: Why a zone of a kind that has measurements drawn shows none (any other kind has none to show).
MEASUREMENTS_MISSING = {
    "stitching": "the machine could not measure this photo",
    "code": "the machine could not measure this photo",
    "logo": "a logo's letters are drawn only where their width differs from the references'",
}


class Mode(Enum):
    """What the pair of views shows; one at a time."""

    SIDE_BY_SIDE = ("Side by side", "S", "The photo as taken beside the reference")
    OVERLAY = ("Overlay", "O", "The photo aligned to the reference, laid over it (opacity slider)")
    CONFIRMED = ("Confirmed alignment", "A", "The photo aligned through the precisely aligned reference that "
                 "contradicts the differences, laid over the reference (opacity slider)")
    HEAT_MAP = ("Heat map", "H", "Where the photo differs from the references (red = most)")
    MATCHES = ("Matched points", "M", "Features matched between the best reference and the photo")
    MEASUREMENTS = ("Measurements", "G", "Stitches, scale card, serial code or a logo's letters as the machine "
                    "measured them")

    def __init__(self, title: str, key: str, tip: str):
        self.title, self.key, self.tip = title, key, tip


#: Modes that lay an aligned photo over the reference (the opacity slider and flicker work on
#: them), and the aligned photo each lays there.
LAYER_EVIDENCE = {Mode.OVERLAY: "aligned", Mode.CONFIRMED: "aligned_confirmed"}
#: The evidence each mode needs: all of these names (MEASUREMENTS: any one of MEASUREMENT_EVIDENCE).
NEEDS: dict[Mode, tuple[str, ...]] = {
    Mode.SIDE_BY_SIDE: (), Mode.HEAT_MAP: ("difference",), Mode.MATCHES: ("matches",), Mode.MEASUREMENTS: (),
    **{mode: (aligned, "reference") for mode, aligned in LAYER_EVIDENCE.items()},
}
NOT_THERE = {Mode.OVERLAY: "No overlay", Mode.HEAT_MAP: "No heat map", Mode.MATCHES: "No matched points",
             Mode.MEASUREMENTS: "No measurements drawn", Mode.CONFIRMED: "No second alignment"}
#: Modes for the exception, not the rule: their button shows only on a zone that has their evidence,
#: so the bar is not crowded on every other zone (the key still says why it does nothing there).
SHOWN_ONLY_WHEN_AVAILABLE = (Mode.CONFIRMED,)


@dataclass(frozen=True)
class Pictures:
    """What the two views show (store sha256s; None where there is no picture) and how."""

    left: str | None
    left_caption: str
    right: str | None
    right_caption: str
    layer: str | None = None   # drawn over the right picture at the overlay opacity
    single: bool = False       # the left picture holds both sides already


def evidence(zone: Zone) -> dict[str, str]:
    return {e["name"]: e["sha256"] for e in zone.get("evidence", ())}


def why_unavailable(zone: Zone, mode: Mode) -> str | None:
    """None when the zone has the evidence ``mode`` shows, else one sentence saying why not."""
    found = evidence(zone)
    if mode is Mode.MEASUREMENTS:
        present = any(name in found for name in MEASUREMENT_EVIDENCE)
    else:
        present = all(name in found for name in NEEDS[mode])
    if present:
        return None
    kind = zone.get("kind", "zone")
    if zone.get("retake"):
        cause = f"the photo was not usable ({zone['retake']})"
    elif mode is Mode.MEASUREMENTS:
        cause = MEASUREMENTS_MISSING.get(kind, f"nothing is measured on a {kind} zone")
    elif kind in MEASURED_KINDS:
        cause = f"a {kind} zone is judged by measurements, not by aligning pictures"
    elif mode is Mode.CONFIRMED:
        cause = ("the machine shows one only where another reference, aligned precisely, "
                 "contradicts the differences it found")
    else:
        cause = "the machine could not align this photo with a reference"
    return f"{NOT_THERE[mode]}: {cause}."


def pictures_for(zone: Zone, mode: Mode, pack_reference: str | None) -> Pictures:
    """The pictures of ``mode`` for a zone that has its evidence (see :func:`why_unavailable`)."""
    found = evidence(zone)
    captions = {e["name"]: e["caption"] for e in zone.get("evidence", ())}
    reference = found.get("reference") or pack_reference
    reference_caption = (captions["reference"] if "reference" in found
                         else "Reference from the pack" if reference else "Reference")
    if mode in LAYER_EVIDENCE:
        aligned = found[LAYER_EVIDENCE[mode]]
        return Pictures(aligned, captions[LAYER_EVIDENCE[mode]], found["reference"],
                        "The reference with the aligned photo over it", layer=aligned)
    if mode is Mode.HEAT_MAP:
        return Pictures(found["difference"], captions["difference"], reference, reference_caption)
    if mode is Mode.MATCHES:
        return Pictures(found["matches"], captions["matches"], None, "", single=True)
    if mode is Mode.MEASUREMENTS:
        name = next(n for n in MEASUREMENT_EVIDENCE if n in found)
        return Pictures(found[name], captions[name], reference, reference_caption)
    return Pictures(zone["photo_sha256"], "Photo as taken", reference, reference_caption)


def findings_html(zone: Zone) -> str:
    """The zone's findings in words, each with its expected range, its value and pass/fail as word and colour."""
    def word(status: str) -> str:
        return f'<b style="color:{status_colour(status).name()}">{html.escape(status_word(status))}</b>'

    critical = " · critical" if zone.get("critical") else ""
    parts = [f"<h3>{html.escape(zone['zone'])}</h3>",
             f"<p>{html.escape(str(zone.get('kind', '')).capitalize())}{critical} · {word(zone['status'])}"
             + (f" · score {_number(zone['score'])}" if zone.get("score") is not None else "") + "</p>"]
    if zone.get("retake"):
        retake = status_colour("inconclusive").name()
        parts.append(f'<p><b style="color:{retake}">Retake</b> {html.escape(zone["retake"])}</p>')
    for f in zone.get("findings", ()):
        parts.append(f"<p>{word('pass' if f['passed'] else 'fail')} {html.escape(f['message'])}<br>"
                     f"<small>Expected {html.escape(str(f['expected']))}, measured "
                     f"{html.escape(_number(f['value']))}</small></p>")
    opinion = zone.get("second_opinion")
    if opinion:
        parts.append(f"<p>Second opinion: p_authentic {opinion['p_authentic']:.2f} "
                     f"(threshold {opinion['threshold']:.2f})</p>")
    return "\n".join(parts)


def _number(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def pinned_zones(context: BenchContext, view: CaseView) -> dict[str, ZoneSummary]:
    """The case's zones as the pack it is pinned to describes them (runs on a worker)."""
    pack = context.cases.pack_for(context.user, view.case_number)
    item = next((m for m in pack.models if m.id == view.model), None)
    return {z.id: z for z in item.zones} if item else {}


def pack_references(zones: dict[str, ZoneSummary]) -> dict[str, str]:
    """Zone -> the pack's first reference image, shown where the analysis left no reference of its own."""
    return {zone_id: z.references[0].sha256 for zone_id, z in zones.items() if z.references}


class ComparePanel(QWidget):
    """Zone list, the synchronised pair of views with the evidence modes, and the findings in words."""

    status = Signal(str)

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self._case: CaseView | None = None
        self._pack_refs: dict[str, str] | None = None   # None while they are looked up
        self._titles: dict[str, str] = {}                 # zone id -> its title in the pinned pack
        self._mode = Mode.SIDE_BY_SIDE
        self._wanted: set[str] = set()
        self._generation = 0
        self._runner = JobRunner(self)
        self.pictures = PictureCache(context.workstation.store, parent=self)
        self.pictures.ready.connect(lambda sha: self._render() if sha in self._wanted else None)

        self.zones = QListWidget()
        self.zones.setObjectName("compareZones")
        self.zones.setAccessibleName("Analysed zones")
        self.zones.setWordWrap(True)   # zone titles are sentences; wrapped, never cut
        self.zones.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.zones.currentItemChanged.connect(lambda *_: self._zone_changed())
        self.setFocusProxy(self.zones)   # focusing the panel starts in the zone list
        self.pair = ImagePairView()
        self.pair.setObjectName("comparePair")
        self.findings = QTextBrowser()
        self.findings.setObjectName("compareFindings")
        self.findings.setAccessibleName("Findings")

        self.mode_buttons: dict[Mode, QToolButton] = {}
        tools = QHBoxLayout()
        for mode in Mode:
            button = _tool_button(f"{mode.title} ({mode.key})", f"mode_{mode.name.lower()}")
            button.clicked.connect(lambda _=False, m=mode: self.toggle_mode(m))
            self.mode_buttons[mode] = button
            tools.addWidget(button)
        self.flicker_button = _tool_button("Flicker (F)", "flicker")
        self.flicker_button.clicked.connect(lambda _=False: self.toggle_flicker())
        tools.addWidget(self.flicker_button)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setObjectName("overlayOpacity")
        self.opacity.setRange(0, 100)
        self.opacity.setValue(50)
        self.opacity.setMinimumWidth(100)
        self.opacity.setMaximumWidth(160)
        self.opacity.setAccessibleName("Overlay opacity")
        self.opacity.setToolTip("How much of the aligned photo shows over the reference")
        self.opacity.valueChanged.connect(self._set_opacity)
        opacity_label = QLabel("Opacity")
        opacity_label.setBuddy(self.opacity)
        tools.addSpacing(12)
        tools.addWidget(opacity_label)
        tools.addWidget(self.opacity)
        tools.addStretch(1)

        self._flicker = QTimer(self)
        self._flicker.setInterval(FLICKER_MS)
        self._flicker.timeout.connect(self._flick)

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addLayout(tools)
        centre_layout.addWidget(self.pair, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        for widget, stretch in ((self.zones, 0), (centre, 1), (self.findings, 0)):
            splitter.addWidget(widget)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        splitter.setSizes([200, 800, 320])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._keys: list[tuple[str, str]] = []
        for mode in Mode:
            self._shortcut(mode.key, lambda m=mode: self.toggle_mode(m),
                           mode.tip if mode is Mode.SIDE_BY_SIDE else f"{mode.title} on/off: {mode.tip.lower()}")
        self._shortcut("F", self.toggle_flicker, "Flicker between the aligned photo and the reference")
        self._shortcut("+", self.pair.zoom_in, "Zoom in (both pictures)", extra=("=",))
        self._shortcut("-", self.pair.zoom_out, "Zoom out")
        self._shortcut("0", self.pair.fit, "Fit the pictures to the view")
        self._keys.append(("Up / Down", "Previous / next zone (in the zone list)"))
        self._keys.append(("Wheel, drag", "Zoom around the pointer, pan"))
        self._render()

    # -- the contract --
    def shortcuts(self) -> list[tuple[str, str]]:
        return list(self._keys)

    def show_case(self, view: CaseView) -> None:
        """Show a case's latest analysis; the selected zone is kept when the new analysis has it."""
        keep = self.current_zone_id()
        if self._case is None or view.case_number != self._case.case_number \
                or (view.brand, view.model) != (self._case.brand, self._case.model):
            self._pack_refs = None
            self._titles = {}
            self._generation += 1
            generation = self._generation
            context = self._context
            self._runner.start(lambda _progress: pinned_zones(context, view),
                               on_finished=lambda refs: self._references_found(generation, refs),
                               on_failed=lambda exc: self._references_failed(generation, exc))
        self._case = view
        self.zones.blockSignals(True)
        self.zones.clear()
        for zone in view.zones:
            self.zones.addItem(_zone_item(zone, self._titles.get(zone["zone"], zone["zone"])))
        self.zones.blockSignals(False)
        ids = [z["zone"] for z in view.zones]
        if ids:
            self.zones.setCurrentRow(ids.index(keep) if keep in ids else 0)
        else:
            self._zone_changed()

    def select_zone(self, zone_id: str) -> None:
        for row in range(self.zones.count()):
            if self.zones.item(row).data(ZONE_ROLE) == zone_id:
                self.zones.setCurrentRow(row)

    def current_zone_id(self) -> str | None:
        item = self.zones.currentItem()
        return item.data(ZONE_ROLE) if item is not None else None

    @property
    def mode(self) -> Mode:
        return self._mode

    @property
    def flickering(self) -> bool:
        return self._flicker.isActive()

    @property
    def busy(self) -> bool:
        """Pictures or the pack's references are still being loaded."""
        return self._runner.busy or self.pictures.busy

    # -- actions --
    def toggle_mode(self, mode: Mode) -> None:
        """Show ``mode``; asking for the mode already shown goes back to side by side."""
        zone = self._zone()
        reason = why_unavailable(zone, mode) if zone is not None else "Nothing to compare yet."
        if reason is not None and mode is not Mode.SIDE_BY_SIDE:
            self.status.emit(reason)
            self._sync_controls()
            return
        self._flicker.stop()
        self._mode = Mode.SIDE_BY_SIDE if mode is self._mode else mode
        self._render()

    def toggle_flicker(self) -> None:
        """Alternate the aligned photo and the reference in place (switches to the overlay, unless
        the confirmed alignment is laid over the reference already: that one flickers)."""
        if self._flicker.isActive():
            self._flicker.stop()
            self._render()
            return
        zone = self._zone()
        layered = self._flickered_mode()
        reason = why_unavailable(zone, layered) if zone is not None else "Nothing to compare yet."
        if reason is not None:
            self.status.emit(reason)
            self._sync_controls()
            return
        if self._mode is not layered:
            self._mode = layered
            self._render()
        self._flicker.start()
        self._sync_controls()

    # -- internals --
    def _shortcut(self, key: str, slot: Any, what: str, extra: tuple[str, ...] = ()) -> None:
        for sequence in (key, *extra):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._keys.append((key, what))

    def _zone(self) -> Zone | None:
        zone_id = self.current_zone_id()
        if self._case is None or zone_id is None:
            return None
        return next((z for z in self._case.zones if z["zone"] == zone_id), None)

    def _zone_changed(self) -> None:
        zone = self._zone()
        self._flicker.stop()
        if zone is None or why_unavailable(zone, self._mode) is not None:
            self._mode = Mode.SIDE_BY_SIDE
        self.findings.setHtml(findings_html(zone) if zone is not None else "")
        if zone is not None:
            self.status.emit(f"{zone['zone']}: {status_word(zone['status'])}")
        self._render()

    def _references_found(self, generation: int, zones: dict[str, ZoneSummary]) -> None:
        if generation == self._generation:
            self._pack_refs = pack_references(zones)
            self._titles = {zone_id: z.title for zone_id, z in zones.items()}   # as the inspector saw at capture
            for row in range(self.zones.count()):
                item = self.zones.item(row)
                _, _, rest = item.text().partition("\n")
                item.setText(f"{self._titles.get(item.data(ZONE_ROLE), item.data(ZONE_ROLE))}\n{rest}")
            self._render()

    def _references_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._pack_refs = {}
            self.status.emit(f"The pack's reference images could not be read: {describe_error(exc)}")
            self._render()

    def _render(self) -> None:
        """Put the current zone's pictures of the current mode in the views (placeholders while decoding)."""
        self._sync_controls()
        zone = self._zone()
        left, right = self.pair.views()
        if zone is None:
            text = ("The case has not been analysed yet: analyse it to compare its photos."
                    if self._case is not None else "No case open.")
            self._wanted = set()
            self.pair.set_single(True)
            self.pair.set_captions("", "")
            left.set_picture(None, text)
            return
        pack_reference = (self._pack_refs or {}).get(zone["zone"])
        shown = pictures_for(zone, self._mode, pack_reference)
        self._wanted = {sha for sha in (shown.left, shown.right, shown.layer) if sha}
        self.pair.set_single(shown.single)
        self.pair.set_captions(shown.left_caption, shown.right_caption)
        self._show(left, shown.left, "")
        no_reference = ("Looking up the pack's reference…" if self._pack_refs is None
                        else "The pack has no reference image for this zone.")
        if not shown.single:
            self._show(right, shown.right, no_reference)
        layer = self.pictures.get(shown.layer) if shown.layer else None
        if isinstance(layer, QPixmap) and right.has_picture:
            right.add_layer(layer, self.opacity.value() / 100)

    def _show(self, view: ImageView, sha: str | None, missing: str) -> None:
        picture = self.pictures.get(sha) if sha else None
        if isinstance(picture, QPixmap):
            view.set_picture(picture)
        elif isinstance(picture, str):
            view.set_picture(None, f"This picture cannot be shown: {picture}")
        else:
            view.set_picture(None, "Loading…" if sha else missing)

    def _sync_controls(self) -> None:
        zone = self._zone()
        for mode, button in self.mode_buttons.items():
            reason = why_unavailable(zone, mode) if zone is not None else "Nothing to compare yet."
            available = reason is None or mode is Mode.SIDE_BY_SIDE
            button.setEnabled(available and zone is not None)
            if mode in SHOWN_ONLY_WHEN_AVAILABLE:
                button.setVisible(available and zone is not None)
            button.setChecked(mode is self._mode)
            button.setToolTip(f"{mode.tip} ({mode.key})" if available else reason)
        overlay_reason = (why_unavailable(zone, self._flickered_mode()) if zone is not None
                          else "Nothing to compare yet.")
        self.flicker_button.setEnabled(overlay_reason is None)
        self.flicker_button.setChecked(self._flicker.isActive())
        self.flicker_button.setToolTip(overlay_reason or "Alternate the aligned photo and the reference twice a "
                                                         "second, so a difference jumps out (F)")
        self.opacity.setEnabled(self._mode in LAYER_EVIDENCE and not self._flicker.isActive())

    def _flickered_mode(self) -> Mode:
        """The layered mode flicker shows: the one shown, else the overlay."""
        return self._mode if self._mode in LAYER_EVIDENCE else Mode.OVERLAY

    def _set_opacity(self, value: int) -> None:
        for item in self.pair.right.layers:
            item.setOpacity(value / 100)

    def _flick(self) -> None:
        for item in self.pair.right.layers:
            item.setOpacity(0.0 if item.opacity() > 0 else 1.0)

    def hideEvent(self, event: QHideEvent) -> None:
        if self._flicker.isActive():   # no timer runs for a panel nobody sees
            self._flicker.stop()
            self._render()
        super().hideEvent(event)


def _tool_button(text: str, name: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setObjectName(name)
    button.setCheckable(True)
    button.setAutoRaise(True)
    return button


def _zone_item(zone: Zone, title: str) -> QListWidgetItem:
    critical = " · critical" if zone.get("critical") else ""
    item = QListWidgetItem(f"{title}\n{status_word(zone['status'])}{critical}")
    item.setData(ZONE_ROLE, zone["zone"])
    item.setIcon(status_dot(zone["status"]))
    item.setToolTip(f"{zone['zone']} ({zone.get('kind', '')}): {status_word(zone['status'])}"
                    + (", a critical zone: if it fails, the item fails" if zone.get("critical") else ""))
    return item
