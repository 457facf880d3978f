"""The report as an A4 PDF, rendered with Qt (QTextDocument HTML printed on a QPdfWriter).

Qt lives here rather than in ``reports/`` (no Qt below the application); the
signing is done afterwards by ``reports.signing`` on the bytes this returns.
The report's JSON is embedded as the attachment ``inspection.json`` now,
before signing, because anything added after the signature invalidates it.
Images are decoded already downscaled (JPEG scaled decoding) to keep a
five-zone report well under half a second.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable, Iterable

import cv2
import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSize, QUrl
from PySide6.QtGui import QFont, QGuiApplication, QImage, QImageReader, QPageLayout, QPageSize, QPdfWriter, \
    QTextDocument

from reference_library.store import StoreError
from reports.report_data import ATTACHMENT_NAME, ReportData, ReportZone, verification_payload

ImageSource = Callable[[str], bytes]


def _ensure_application() -> None:
    """Text layout needs a Qt application; the command line has none and may have no display.

    The offscreen platform draws into the PDF as well as any (the window's own
    application is used when there is one).
    """
    if QGuiApplication.instance() is None:
        QGuiApplication(["inspector-app", "-platform", "offscreen"])

PHOTO_PX = 300          # display width (CSS px, 1/96 in) of a photo and of its reference
EVIDENCE_PX = 140       # display width of an evidence image
OVERSAMPLE = 1.5        # embedded pixels per display pixel: ~145 dpi on paper; Qt re-encodes each image (time)
QR_MODULE_PX = 4        # display px per QR module
QR_OVERSAMPLE = 2       # embedded pixels per QR display pixel (whole, so modules stay sharp)
_COLOURS = {"PASS": "#1e7d32", "FAIL": "#b71c1c", "INCONCLUSIVE": "#b26a00"}
_STATUS = {"pass": ("&#10004;", "#1e7d32", "pass"), "fail": ("&#10008;", "#b71c1c", "fail"),
           "inconclusive": ("?", "#b26a00", "inconclusive")}
_ANSWERS = {"pass": "Pass", "fail": "Fail", "na": "N/A"}
_REASON_TITLES = {"authenticity": "Authenticity", "condition": "Condition", "listing": "Listing mismatch"}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _scaled_image(data: bytes, width_px: int) -> QImage | None:
    """Decode at no more than ``width_px`` wide (Qt's JPEG reader then decodes at reduced size); None if unreadable."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and size.width() > width_px:
        reader.setScaledSize(QSize(width_px, max(1, round(size.height() * width_px / size.width()))))
    image = reader.read()
    return None if image.isNull() else image


def _qr_image(text: str) -> QImage:
    """The QR code of ``text`` as a crisp grey image with a 4-module quiet zone."""
    modules = cv2.QRCodeEncoder.create().encode(text)
    modules = cv2.copyMakeBorder(modules, 4, 4, 4, 4, cv2.BORDER_CONSTANT, value=255)
    scale = QR_MODULE_PX * QR_OVERSAMPLE
    big = np.ascontiguousarray(cv2.resize(modules, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST))
    h, w = big.shape
    return QImage(big.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


class _Builder:
    """Collects the HTML and the images it refers to."""

    def __init__(self, image: ImageSource) -> None:
        self._image = image
        self.resources: dict[str, QImage] = {}
        self.parts: list[str] = []

    def img(self, sha256: str | None, width: int, alt: str) -> str:
        """An <img> for a stored image, or a grey placeholder saying why there is none."""
        if not sha256:
            return f'<span style="color:#777">{_e(alt)}: none</span>'
        url = f"store:{sha256}/{width}"
        if url not in self.resources:
            try:
                decoded = _scaled_image(self._image(sha256), round(width * OVERSAMPLE))
            except (KeyError, OSError, StoreError):
                decoded = None
            if decoded is None:
                return f'<span style="color:#777">{_e(alt)}: image {_e(sha256[:12])} unavailable</span>'
            self.resources[url] = decoded
        q = self.resources[url]
        height = round(q.height() * width / max(1, q.width()))
        return f'<img src="{_e(url)}" width="{width}" height="{height}" alt="{_e(alt)}">'

    def add(self, *chunks: str) -> None:
        self.parts.extend(chunks)


def _reasons_html(reasons: dict[str, tuple[str, ...]]) -> str:
    rows = []
    for key, title in _REASON_TITLES.items():
        for reason in reasons.get(key, ()):
            rows.append(f"<li><b>{_e(title)}:</b> {_e(reason)}</li>")
    return f"<ul>{''.join(rows)}</ul>" if rows else "<p>No reasons recorded.</p>"


def _verdict_box(b: _Builder, data: ReportData) -> None:
    colour = _COLOURS.get(data.decision, "#333")
    lines = [f'<p style="font-size:20pt; font-weight:bold; color:{colour}">Verdict: {_e(data.decision)}</p>',
             f"<p>Machine suggestion: <b>{_e(data.suggested)}</b></p>"]
    if data.decision != data.suggested or data.override_reason:
        lines.append(f"<p>Inspector's override: {_e(data.override_reason or 'no reason given')}</p>")
    lines.append(_reasons_html(dict(data.reasons)))
    right = ""
    if data.decision == "PASS" and data.tag_number:
        payload = verification_payload(data)
        b.resources["qr:verify"] = _qr_image(payload)
        side = b.resources["qr:verify"].width() // QR_OVERSAMPLE
        right = (f'<td width="{side + 10}" align="center" valign="top">'
                 f'<img src="qr:verify" width="{side}" height="{side}"><br>'
                 f'<span style="font-size:8pt">Tag number</span><br>'
                 f'<span style="font-size:13pt; font-weight:bold">{_e(data.tag_number)}</span></td>')
    b.add(f'<table width="100%" cellpadding="8" cellspacing="0" border="1" '
          f'style="border-color:{colour}; border-style:solid; margin-top:8px">'
          f'<tr><td valign="top">{"".join(lines)}</td>{right}</tr></table>')


def _zone_html(b: _Builder, index: int, zone: ReportZone) -> None:
    mark, colour, word = _STATUS.get(zone.status, ("?", "#333", zone.status))
    critical = "critical" if zone.critical else "not critical"
    b.add(f'<h3>{index}. {_e(zone.title)} <span style="color:{colour}">{mark} {_e(word)}</span></h3>',
          f'<p style="color:#555; font-size:8pt">Zone {_e(zone.zone_id)} &middot; {_e(zone.kind)} &middot; '
          f'{critical}</p>',
          '<table cellpadding="3" cellspacing="0"><tr>'
          f'<td align="center">{b.img(zone.photo_sha256, PHOTO_PX, "Photo")}<br>'
          '<span style="font-size:8pt">Photo of the item</span></td>'
          f'<td align="center">{b.img(zone.reference_sha256, PHOTO_PX, "Reference")}<br>'
          '<span style="font-size:8pt">Reference</span></td></tr></table>')
    if zone.evidence:
        cells = "".join(f'<td align="center" valign="top">{b.img(ev.sha256, EVIDENCE_PX, ev.name)}<br>'
                        f'<span style="font-size:7pt">{_e(ev.caption or ev.name)}</span></td>'
                        for ev in zone.evidence)
        b.add(f'<table cellpadding="3" cellspacing="0"><tr>{cells}</tr></table>')
    if zone.findings:
        items = []
        for f in zone.findings:
            fmark, fcolour, fword = _STATUS["pass" if f.passed else "fail"]
            detail = f"{f.metric} = {_value(f.value)}" + (f"; expected {f.expected}" if f.expected else "")
            items.append(f'<li><span style="color:{fcolour}">{fmark} {fword}</span> {_e(f.message)} '
                         f'<span style="color:#555; font-size:8pt">({_e(detail)})</span></li>')
        b.add(f"<ul>{''.join(items)}</ul>")
    else:
        b.add('<p style="color:#555">No findings: the zone could not be measured.</p>')
    if zone.retake:
        b.add(f'<p style="color:#b26a00">Retake advised: {_e(zone.retake)}</p>')


def _value(value: float | str | None) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _checklist_html(b: _Builder, data: ReportData) -> None:
    rows = ['<tr style="background-color:#eeeeee"><th align="left">Check</th><th>Machine</th>'
            '<th>Answer</th><th align="left">Note</th></tr>']
    for c in data.checklist:
        crit = ' <span style="color:#b71c1c">(critical)</span>' if c.critical else ""
        colour = {"pass": "#1e7d32", "fail": "#b71c1c"}.get(c.answer, "#333")
        rows.append(f'<tr><td>{_e(c.text)}{crit}</td>'
                    f'<td align="center">{_e(_ANSWERS.get(c.machine or "", "-"))}</td>'
                    f'<td align="center" style="color:{colour}"><b>{_e(_ANSWERS.get(c.answer, c.answer))}</b></td>'
                    f'<td>{_e(c.note)}</td></tr>')
    b.add("<h2>Checklist</h2>",
          f'<table width="100%" cellpadding="4" cellspacing="0" border="1" style="border-color:#999">'
          f'{"".join(rows)}</table>')


def _judged_against_html(items: Iterable[tuple[str, object]]) -> str:
    rows = "".join(f'<tr><td valign="top"><b>{_e(k)}</b></td><td>{_e(json.dumps(v, sort_keys=True))}</td></tr>'
                   for k, v in items)
    return f'<table cellpadding="2" cellspacing="0" style="font-size:7pt; color:#444">{rows}</table>'


def report_html(data: ReportData, image: ImageSource, org: str = "") -> tuple[str, dict[str, QImage]]:
    """The report's HTML and the images it refers to, by resource URL."""
    b = _Builder(image)
    title = f"{_e(org)} &middot; " if org else ""
    b.add('<html><body>',
          f'<p style="font-size:9pt; color:#555">{title}Inspector Workstation</p>',
          f'<h1>Authentication report &mdash; case {_e(data.case_number)}</h1>',
          '<table cellpadding="2" cellspacing="0">',
          f"<tr><td><b>Item</b></td><td>{_e(data.brand_name)} {_e(data.model_name)} "
          f'<span style="color:#555">({_e(data.brand)} / {_e(data.model)})</span></td></tr>',
          f"<tr><td><b>Order reference</b></td><td>{_e(data.order_ref or '-')}</td></tr>",
          f"<tr><td><b>Declared value</b></td><td>{_e(data.declared_value or '-')}</td></tr>",
          f"<tr><td><b>Reference pack</b></td><td>{_e(data.brand)} {_e(data.pack_version)} "
          f"revision {data.pack_revision} <span style=\"color:#555; font-size:8pt\">"
          f"sha256 {_e(data.pack_digest)}</span></td></tr>",
          f"<tr><td><b>Inspector</b></td><td>{_e(data.inspector_name)} ({_e(data.inspector_username)})</td></tr>",
          f"<tr><td><b>Received</b></td><td>{_e(_when(data.intake_at))}</td></tr>",
          f"<tr><td><b>Decided</b></td><td>{_e(_when(data.decided_at))}</td></tr>",
          "</table>")
    _verdict_box(b, data)
    b.add("<h2>Zones</h2>")
    for i, zone in enumerate(data.zones, 1):
        _zone_html(b, i, zone)
    _checklist_html(b, data)
    b.add("<h2>Sign-off</h2>",
          f"<p>Decided <b>{_e(data.decision)}</b> by {_e(data.inspector_name)} ({_e(data.inspector_username)}) "
          f"on {_e(_when(data.decided_at))}; item received {_e(_when(data.intake_at))}. "
          "This report carries the inspector's digital signature; the data above is embedded in it as "
          f"<i>{_e(ATTACHMENT_NAME)}</i>. Check it with <i>inspector-app verify</i> or any PDF reader "
          "that trusts the organisation's certificate authority.</p>")
    if data.judged_against:
        b.add('<p style="font-size:8pt"><b>Judged against</b></p>',
              _judged_against_html(sorted(data.judged_against.items())))
    b.add("</body></html>")
    return "".join(b.parts), b.resources


def render_report_pdf(data: ReportData, image: ImageSource, org: str = "") -> bytes:
    """An unsigned A4 PDF of ``data`` with ``data.to_json_bytes()`` attached as ``inspection.json``.

    ``image(sha256)`` returns a stored image's bytes (the content store's ``read``);
    an image it cannot give (StoreError, KeyError, OSError) or that does not decode
    is printed as unavailable: the verdict is already decided, the report says what is missing.
    """
    _ensure_application()
    body, resources = report_html(data, image, org)
    doc = QTextDocument()
    doc.setDefaultFont(QFont("DejaVu Sans", 9))
    doc.setDefaultStyleSheet("h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 12px; } "
                             "h3 { font-size: 10pt; margin-top: 10px; } th { font-weight: bold; }")
    for url, img in resources.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), img)
    doc.setHtml(body)

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)  # the document adds 2 cm
    writer.setResolution(300)
    writer.setTitle(f"Authentication report, case {data.case_number}")
    writer.setAuthor(data.inspector_name)
    writer.setCreator("Inspector Workstation")
    writer.addFileAttachment(ATTACHMENT_NAME, QByteArray(data.to_json_bytes()), "application/json")
    doc.print_(writer)  # ends the painter, which completes the PDF in the buffer
    return bytes(buffer.data())
