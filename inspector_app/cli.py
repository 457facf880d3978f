"""The ``inspector-app`` command: the workstation window, or a subcommand.

Exit codes (DESIGN.md): 0 success, 2 usage or input error with the reason on
stderr and nothing half-written.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from reference_library.catalog import BrandSummary, NotInLibrary, list_library
from reference_library.exporter import export_pack
from reference_library.model_registry import ModelSummary, RegistryError, assign_kinds
from reference_library.importer import ImportResult, import_pack
from reference_library.problems import PackError
from reference_library.source import open_pack_source
from reference_library.store import StoreError
from reference_library.validation import Progress, validate_pack
from reports.answers_file import Answers, AnswersError, parse_answers
from reports.checklist import RuleViolation, checklist_problems
from reports.pki import WrongPassword
from reports.users import Action, AuthenticationFailed, PermissionDenied, Role, User, require
from reports.verdict import Verdict

from .services.audit import verify_ledger
from .services.cases import CaseError, CaseView, Decision, Intake
from .services.claims import CaseClaimed
from .services.db_faults import DatabaseUnavailable
from .services.library import DemoSeedRequest, LibraryService
from .services.models import ModelService
from .services.ledger_records import ledger_import, local_operator
from .services.users import NewUser, UserError, import_pack_as, install_model_as
from .services.inspection import MAX_PHOTO_BYTES, InspectionError, InspectionResult, InspectRequest
from .workstation import Workstation, demo_pack_dirs

EXIT_OK, EXIT_BROKEN, EXIT_INVALID = 0, 1, 2
#: The acting user's password, if set; otherwise it is read from the first line of stdin.
PASSWORD_ENV = "INSPECTOR_PASSWORD"


class UsageError(Exception):
    """A bad command line or input: one line on stderr, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inspector-app",
        description="Inspector Workstation: authenticate items against brand reference libraries. "
                    "Without a command, opens the workstation window.")
    parser.add_argument("--demo", action="store_true",
                        help="with no command: import the bundled demo library first if the library is empty")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    library = commands.add_parser("library", help="reference packs: import, list, export, validate")
    lib = library.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = lib.add_parser("import", help="import a pack directory or .zip (all or nothing)")
    p.add_argument("path", type=Path)
    p.add_argument("--force", action="store_true", help="record an already imported version again as a new revision")
    p.add_argument("--as", dest="acting", metavar="USER",
                   help=f"import as this user, with its permissions (password from ${PASSWORD_ENV} or stdin); "
                        "without it, as the local operator")
    p = lib.add_parser("list", help="brands, versions, models, zones and reference counts")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = lib.add_parser("export", help="write a brand's pack to a zip that imports back unchanged")
    p.add_argument("brand")
    p.add_argument("out", type=Path)
    p.add_argument("--version", dest="pack_version", help="a version other than the current one")
    p = lib.add_parser("validate", help="check a pack without importing it")
    p.add_argument("path", type=Path)
    p = lib.add_parser("suggest", help="rank the library's brands and models for one photo of a logo")
    p.add_argument("photo", type=Path)
    p.add_argument("--top", type=_positive, default=5, metavar="N", help="how many brand/model pairs (default 5)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = lib.add_parser("import-demo", help="import the bundled demo packs (fictional brands)")
    p.add_argument("--if-empty", action="store_true", help="only when the library holds no brand yet")

    models = commands.add_parser("models", help="classifier models: which serves which zone kinds, install newer")
    mod = models.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = mod.add_parser("list", help="installed models, newest first, and the zone kinds each serves now")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = mod.add_parser("install", help="install a model file (.onnx with its .json model card beside it)")
    p.add_argument("path", type=Path)
    p.add_argument("--as", dest="acting", metavar="USER",
                   help=f"install as this admin (password from ${PASSWORD_ENV} or stdin); without it, as the "
                        "local operator")

    p = commands.add_parser("inspect", help="judge an item's zone photos against the brand's current pack")
    p.add_argument("--brand", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--photo", action="append", required=True, metavar="ZONE=PATH", type=_zone_photo,
                   help="a zone's photo; repeat for every zone")
    p.add_argument("--json", dest="json_out", type=Path, metavar="OUT", help="write the result as JSON")
    p.add_argument("--case", dest="case_ref", metavar="CASE",
                   help="the item's case number: its serial is remembered, and a serial seen on another "
                        "case is a clone alert")
    sign = p.add_argument_group("decide, sign and record (automation)")
    sign.add_argument("--report", type=Path, metavar="OUT.pdf",
                      help="also decide, sign the report as --inspector and record the verdict; needs --case")
    sign.add_argument("--inspector", metavar="USER", help="the signing inspector")
    sign.add_argument("--password-stdin", action="store_true",
                      help=f"read the inspector's password from stdin (or set ${PASSWORD_ENV})")
    sign.add_argument("--answers", type=Path, metavar="FILE",
                      help="checklist answers and, optionally, the decision and its reasons (TOML)")

    p = commands.add_parser("verify", help="check a signed report: signature, chain to the organisation, "
                                           "ledger entry; exit 0 valid, 1 not valid")
    p.add_argument("report", type=Path, metavar="REPORT.pdf")
    _add_user_commands(commands)
    return parser


def _add_user_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``admin``, ``users`` and ``audit``. Passwords never go on the command line: the acting user's
    comes from $INSPECTOR_PASSWORD or the first line of stdin, a new one from the next line."""
    admin = commands.add_parser("admin", help="set up the workstation: organisation, certificate authority, admin")
    adm = admin.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = adm.add_parser("init", help="create the organisation, its certificate authority and the first admin "
                                    "(the admin's password is read from stdin)")
    p.add_argument("--org", required=True, help="the organisation's name, as certificates show it")
    p.add_argument("--admin", default="admin", metavar="USER", help="the first admin's user name (default: admin)")
    p.add_argument("--display-name", metavar="TEXT")
    p.add_argument("--password-stdin", action="store_true", required=True, help="read the password from stdin")

    users = commands.add_parser("users", help="bench users and roles (admins; --as USER acts)")
    usr = users.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = usr.add_parser("add", help="add a user; inspectors and supervisors get a signing certificate")
    p.add_argument("name")
    _role_arguments(p)
    p.add_argument("--display-name", metavar="TEXT")
    p.add_argument("--password-stdin", action="store_true", required=True,
                   help="read the new user's password from stdin (after the acting user's)")
    p = usr.add_parser("list", help="every user with role, brands and state")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = usr.add_parser("disable", help="disable a user (its signed reports stay valid)")
    p.add_argument("name")
    p = usr.add_parser("role", help="change a user's role; one that signs needs a new password for its "
                                    "certificate")
    p.add_argument("name")
    _role_arguments(p)
    p.add_argument("--password-stdin", action="store_true",
                   help="read a new password from stdin (after the acting user's): issues a new certificate")
    p = usr.add_parser("passwd", help="set a user's password: your own (the key is re-protected) or, "
                                      "as an admin, anyone's (a new certificate is issued)")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true", required=True,
                   help="read the new password from stdin (after the acting user's)")
    for sub in usr.choices.values():
        sub.add_argument("--as", dest="acting", required=True, metavar="USER",
                         help=f"who acts; the password comes from ${PASSWORD_ENV} or the first stdin line")

    cases = commands.add_parser("cases", help="case claims on a shared database: which bench works which case")
    cas = cases.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = cas.add_parser("claims", help="open cases a bench holds, the longest held first (supervisors)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = cas.add_parser("release", help="free a case a crashed bench still holds (supervisors; in the ledger)")
    p.add_argument("case")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why, for the ledger: e.g. the bench crashed")
    for sub in cas.choices.values():
        sub.add_argument("--as", dest="acting", required=True, metavar="USER",
                         help=f"who acts; the password comes from ${PASSWORD_ENV} or the first stdin line")

    audit = commands.add_parser("audit", help="the tamper-evident ledger")
    aud = audit.add_subparsers(dest="action", metavar="ACTION", required=True)
    aud.add_parser("verify", help="check the whole ledger; exit 0 intact, 1 with the first broken entry")


def _role_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--role", required=True, type=Role, choices=list(Role), metavar="ROLE",
                   help="inspector, supervisor, brand-partner or admin")
    p.add_argument("--brand", dest="brands", action="append", default=[], metavar="SLUG",
                   help="a brand a brand partner may publish; repeat for several")


def _zone_photo(text: str) -> tuple[str, Path]:
    zone, sep, path = text.partition("=")
    if not sep or not zone or not path:
        raise argparse.ArgumentTypeError(f"expected ZONE=PATH, got {text!r}")
    return zone, Path(path)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from .app import run_gui  # Qt is imported only when a window is wanted
        return run_gui(seed_demo=args.demo)
    try:
        run = {"inspect": _run_inspect, "models": _run_models, "library": _run_library, "admin": _run_admin,
               "users": _run_users, "cases": _run_cases, "audit": _run_audit, "verify": _run_verify}[args.command]
        return run(args)
    except PackError as exc:
        print(exc.describe(), file=sys.stderr)
        return EXIT_INVALID
    except (UsageError, NotInLibrary, StoreError, InspectionError, RegistryError, UserError, AuthenticationFailed,
            PermissionDenied, WrongPassword, CaseError, CaseClaimed, RuleViolation, AnswersError,
            DatabaseUnavailable) as exc:
        print(f"inspector-app: {exc}", file=sys.stderr)
        return EXIT_INVALID


def _run_library(args: argparse.Namespace) -> int:
    if args.action == "validate":
        with open_pack_source(args.path) as source:
            pack = validate_pack(source, progress=_terminal_progress())
        _clear_progress()
        for warning in pack.warnings:
            print(warning, file=sys.stderr)
        print(f"valid: {pack.brand} {pack.version}, {len(pack.manifest.models)} models, "
              f"{len(pack.manifest.zones)} zones, {len(pack.files)} files, digest {pack.digest[:12]}")
        return EXIT_OK
    ws = Workstation.open()
    try:
        if args.action == "import":
            _print_import(_import(ws, args.path, force=args.force, actor=_acting_user(ws, args.acting)))
        elif args.action == "import-demo":
            _import_demo(ws, only_if_empty=args.if_empty)
        elif args.action == "list":
            with ws.session_factory() as session:
                brands = list_library(session)
            print(json.dumps(_library_json(brands), indent=2) if args.json else _library_text(brands))
        elif args.action == "export":
            with ws.session_factory() as session:
                out = export_pack(session, ws.store, args.brand, args.out, args.pack_version)
            print(f"exported {args.brand} to {out}")
        elif args.action == "suggest":
            _print_suggestions(ws, args.photo, args.top, args.json)
    finally:
        ws.close()
    return EXIT_OK


def _print_suggestions(ws: Workstation, photo: Path, top: int, as_json: bool) -> None:
    from .services.suggestions import SuggestionError, SuggestionService   # the index brings SciPy: only here

    try:
        result = SuggestionService(ws.session_factory, ws.store).suggest(photo.read_bytes(), top=top)
    except OSError as exc:
        raise UsageError(f"cannot read {photo}: {exc.strerror}") from None
    except SuggestionError as exc:
        raise UsageError(f"{photo}: {exc}") from None
    if as_json:
        print(json.dumps({"photo": str(photo), "seconds": round(result.seconds, 3),
                          "suggestions": [dataclasses.asdict(s) for s in result.suggestions]}, indent=2))
        return
    if not result.suggestions:
        print("no logo references in the library")
    for rank, s in enumerate(result.suggestions, start=1):
        print(f"{rank}. {s.brand_name} ({s.brand}) / {s.model_name} ({s.model}): "
              f"{s.inliers} matching points, score {s.score:.2f}")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _run_models(args: argparse.Namespace) -> int:
    ws = Workstation.open()
    try:
        service = ModelService(ws.session_factory, ws.store)
        if args.action == "install":
            actor = _acting_user(ws, args.acting)
            m = (service.install(args.path) if actor is None
                 else install_model_as(actor, args.path, session_factory=ws.session_factory, store=ws.store))
            print(f"installed {m.name} {m.version} ({m.sha256[:12]}) for {', '.join(m.kinds)}, threshold {m.threshold:.3f}")
        models = service.models()
    finally:
        ws.close()
    if args.action == "list":
        print(json.dumps([_model_json(m, models) for m in models], indent=2) if args.json else _models_text(models))
    return EXIT_OK


def _run_admin(args: argparse.Namespace) -> int:
    password = _stdin_line("the new admin's password")
    ws = Workstation.open()
    try:
        service = ws.users()
        admin = service.init_organisation(args.org, NewUser(args.admin, Role.ADMIN, password, args.display_name))
    finally:
        ws.close()
    print(f"set up '{args.org}': certificate authority created (key in {service.ca_key_path}), "
          f"admin '{admin.username}' added")
    return EXIT_OK


def _run_users(args: argparse.Namespace) -> int:
    acting_password = os.environ.get(PASSWORD_ENV) or _stdin_line(f"the password of '{args.acting}' "
                                                                  f"(or set {PASSWORD_ENV})")
    new_password = _stdin_line("the new password") if getattr(args, "password_stdin", False) else ""
    ws = Workstation.open()
    try:
        service = ws.users()
        actor = service.authenticate(args.acting, acting_password)
        if args.action == "add":
            user = service.add_user(actor, NewUser(args.name, args.role, new_password, args.display_name,
                                                   tuple(args.brands)))
            print(f"added {user.label}{_certificate_note(user)}")
        elif args.action == "list":
            users = service.list_users(actor)
            print(json.dumps([_user_json(u) for u in users], indent=2) if args.json
                  else "\n".join(_user_text(u) for u in users))
        elif args.action == "role":
            user = service.set_role(actor, args.name, args.role, tuple(args.brands), new_password or None)
            print(f"{user.username} is now {user.role.value}{_certificate_note(user)}")
        elif args.action == "disable":
            print(f"disabled {service.disable_user(actor, args.name).label}")
        elif args.action == "passwd":
            own = args.name == actor.username
            user = service.change_password(actor, args.name, new_password, acting_password if own else None)
            how = "signing key re-protected" if own else "new signing certificate issued"
            print(f"password of {user.label} changed" + (f"; {how}" if user.cert_serial else ""))
    finally:
        ws.close()
    return EXIT_OK


def _run_cases(args: argparse.Namespace) -> int:
    ws = Workstation.open()
    try:
        actor = _acting_user(ws, args.acting)
        assert actor is not None   # --as is required
        claims = ws.claims()
        if args.action == "claims":
            held = claims.claims(actor)
            print(json.dumps([{"case": c.case_number, "brand": c.brand, "model": c.model, "claimed_by": c.username,
                               "bench": c.bench, "since": c.since.isoformat()} for c in held], indent=2)
                  if args.json else "\n".join(f"{c.case_number}  {c.brand} {c.model}  {c.username} at "
                                               f"{c.bench} since {c.since:%Y-%m-%d %H:%M} UTC" for c in held)
                  or "no case is claimed")
        else:
            claim = claims.release(actor, args.case, args.reason)
            print(f"released case {claim.case_number} from {claim.username} at {claim.bench} "
                  f"(held since {claim.since:%Y-%m-%d %H:%M} UTC)")
    finally:
        ws.close()
    return EXIT_OK


def _run_audit(args: argparse.Namespace) -> int:
    ws = Workstation.open()
    try:
        check = verify_ledger(ws.session_factory)
    finally:
        ws.close()
    if not check.intact:
        print(f"ledger broken at entry {check.bad_seq}: {check.reason} ({check.entries} entries before it are "
              f"intact)", file=sys.stderr)
        return EXIT_BROKEN
    print(f"ledger intact: {check.entries} entries")
    return EXIT_OK


def _stdin_line(what: str) -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise UsageError(f"expected {what} on a line of stdin")
    return line


def _certificate_note(user: User) -> str:
    return f", signing certificate {user.cert_serial}" if user.cert_serial else ""


def _user_json(u: User) -> dict[str, object]:
    return {"username": u.username, "display_name": u.display_name, "role": u.role.value, "brands": list(u.brands),
            "disabled": u.disabled, "cert_serial": u.cert_serial, "created_at": u.created_at.isoformat()}


def _user_text(u: User) -> str:
    brands = f"  brands {', '.join(u.brands)}" if u.brands else ""
    cert = f"  certificate {u.cert_serial}" if u.cert_serial else ""
    return f"{u.username:<16} {u.role.value:<14} {'disabled' if u.disabled else 'enabled ':<8}  {u.display_name}" \
           f"{brands}{cert}"


def _serves(model: ModelSummary, models: tuple[ModelSummary, ...]) -> list[str]:
    return [kind for kind, m in assign_kinds(models).items() if m.sha256 == model.sha256]


def _model_json(model: ModelSummary, models: tuple[ModelSummary, ...]) -> dict[str, object]:
    return {**model.as_json(), "serving": _serves(model, models)}


def _models_text(models: tuple[ModelSummary, ...]) -> str:
    if not models:
        return "no classifier model is installed: install one with 'inspector-app models install PATH'"
    lines = []
    for m in models:
        serving = _serves(m, models)
        state = f"serves {', '.join(serving)}" if serving else "kept for replaying past verdicts"
        lines.append(f"{m.name} {m.version}  {m.sha256[:12]}  kinds {', '.join(m.kinds)}  threshold {m.threshold:.3f}  "
                     f"{state}; installed {m.installed_at:%Y-%m-%d %H:%M} UTC by {m.installed_by}")
    return "\n".join(lines)


def _run_verify(args: argparse.Namespace) -> int:
    try:
        pdf = args.report.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.report}: {exc.strerror}") from None
    ws = Workstation.open()
    try:
        verdict = ws.verifier().verify(pdf)
    finally:
        ws.close()
    print(f"{args.report}: {verdict.reason}", file=sys.stdout if verdict.valid else sys.stderr)
    return EXIT_OK if verdict.valid else EXIT_BROKEN


def _run_inspect(args: argparse.Namespace) -> int:
    photos = dict(args.photo)
    if len(photos) != len(args.photo):
        raise UsageError("a zone is given more than one --photo")
    if args.report is not None:
        return _inspect_and_sign(args, photos)
    if args.inspector or args.answers or args.password_stdin:
        raise UsageError("--inspector, --answers and --password-stdin go with --report")
    ws = Workstation.open()
    try:
        result = ws.inspection().inspect(InspectRequest(args.brand, args.model, photos, args.case_ref))
    finally:
        ws.close()
    if args.json_out:
        _write_atomically(args.json_out, json.dumps(result.as_json(), indent=2) + "\n")
    print(_inspection_text(result))
    return EXIT_OK


def _inspect_and_sign(args: argparse.Namespace, photos: dict[str, Path]) -> int:
    """Intake, photos, analysis, checklist, decision and signature: the bench's steps without the window.

    Everything is checked that can be before the case is opened; a case left
    incomplete (a checklist answer missing) stays open, to be resumed.
    """
    if not args.inspector or not args.case_ref:
        raise UsageError("--report needs --inspector USER and --case CASE")
    answers = _answers(args.answers)
    password = os.environ.get(PASSWORD_ENV) or (_stdin_line("the inspector's password") if args.password_stdin
                                                else "")
    if not password:
        raise UsageError(f"--report needs the inspector's password: --password-stdin or ${PASSWORD_ENV}")
    data = {zone: _photo_bytes(zone, path) for zone, path in photos.items()}
    ws = Workstation.open()
    try:
        actor = ws.users().authenticate(args.inspector, password)
        require(actor, Action.SIGN_VERDICT)
        cases = ws.cases()
        try:
            cases.open(actor, Intake(args.case_ref, args.brand, args.model))
        except CaseError:
            cases.claim(actor, args.case_ref)      # an open case is carried on; a decided one refuses below
        for zone, photo in data.items():
            cases.add_photo(actor, args.case_ref, zone, photo)
        view, result = cases.analyse_with_result(actor, args.case_ref)
        for check_id, (answer, note) in answers.checks.items():
            cases.answer_check(actor, args.case_ref, check_id, answer, note)
        view = cases.resume(actor, args.case_ref)
        problems = checklist_problems(view.checklist)
        if problems:
            raise UsageError(f"case {args.case_ref} is kept open: the checklist is not complete: "
                             + "; ".join(problems))
        decision = answers.decision or view.suggested or Verdict.INCONCLUSIVE
        reasons = answers.reasons if answers.reasons is not None else _machine_reasons(view)
        signed = cases.decide_and_sign(actor, Decision(args.case_ref, decision, reasons, answers.override_reason),
                                       password)
        _write_atomically_bytes(args.report, ws.store.read(signed.report_pdf_sha256))
    finally:
        ws.close()
    if args.json_out:
        verdict = {"decision": signed.decision.value, "tag_number": signed.tag_number, "report": str(args.report),
                   "report_pdf_sha256": signed.report_pdf_sha256, "ledger_seq": signed.ledger_seq,
                   "inspector": actor.username, "decided_at": signed.decided_at.isoformat()}
        _write_atomically(args.json_out, json.dumps({**result.as_json(), "verdict": verdict}, indent=2) + "\n")
    tag = f", tag {signed.tag_number}" if signed.tag_number else ""
    print(_inspection_text(result))
    print(f"signed {signed.decision.value} report for case {args.case_ref} by {actor.username}{tag}: {args.report} "
          f"(ledger entry {signed.ledger_seq})")
    return EXIT_OK


def _answers(path: Path | None) -> Answers:
    if path is None:
        return Answers()
    try:
        return parse_answers(path.read_bytes(), path.name)
    except OSError as exc:
        raise UsageError(f"cannot read the answers file {path}: {exc.strerror}") from None


def _photo_bytes(zone: str, path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_PHOTO_BYTES:
            raise UsageError(f"photo for zone '{zone}' ({path}) is over {MAX_PHOTO_BYTES // 1024**2} MB")
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the photo for zone '{zone}' ({path}): {exc.strerror}") from None


def _machine_reasons(view: CaseView) -> dict[str, list[str]]:
    """Without reasons in the answers file: what the machine and the zone checks found, as authenticity."""
    zones = [f"{z['zone']}: {next((f['message'] for f in z['findings'] if not f['passed']), z['status'])}"
             for z in view.zones if z["status"] == "fail"]
    checks = [f"{s.check.text}: {s.effective_note}" for s in view.checklist
              if s.effective == "fail" and s.check.zone and s.answer is not None]
    return {"authenticity": zones + checks}


def _inspection_text(result: InspectionResult) -> str:
    lines = [f"{result.brand} {result.model}: suggested {result.verdict.value} "
             f"({result.timings_ms['total']:.0f} ms, pack {result.pack.label})"]
    for z in result.zones:
        a = z.analysis
        why = a.retake or next((f.message for f in a.findings if not f.passed), "")
        crit = " (critical)" if z.zone.critical else ""
        lines.append(f"  {z.zone.id:<22} {a.status.value:<12}{crit}  {why}".rstrip())
    return "\n".join(lines)


def _write_atomically(path: Path, text: str) -> None:
    _write_atomically_bytes(path, text.encode("utf-8"))


def _write_atomically_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)


def _import(ws: Workstation, path: Path, *, force: bool = False, actor: User | None = None) -> ImportResult:
    """Import as ``actor`` (its permissions checked) or, without ``--as``, as the local operator."""
    try:
        if actor is not None:
            return import_pack_as(actor, path, session_factory=ws.session_factory, store=ws.store, force=force,
                                  progress=_terminal_progress())
        who = local_operator()
        return import_pack(path, session_factory=ws.session_factory, store=ws.store, force=force,
                           progress=_terminal_progress(), imported_by=who, record=ledger_import(who))
    finally:
        _clear_progress()


def _acting_user(ws: Workstation, username: str | None) -> User | None:
    """The ``--as`` user, signed in with $INSPECTOR_PASSWORD or the first stdin line; None without ``--as``."""
    if username is None:
        return None
    password = os.environ.get(PASSWORD_ENV) or _stdin_line(f"the password of '{username}' (or set {PASSWORD_ENV})")
    return ws.users().authenticate(username, password)


def _import_demo(ws: Workstation, *, only_if_empty: bool) -> None:
    dirs = tuple(demo_pack_dirs())
    if not dirs:
        raise UsageError("the bundled demo library is missing (resources/demo/packs)")
    if only_if_empty:
        service = LibraryService(ws.session_factory, ws.store)
        try:
            results = service.seed_demo(DemoSeedRequest(dirs), progress=_terminal_progress())
        finally:
            _clear_progress()
    else:
        results = [_import(ws, pack_dir) for pack_dir in dirs]
    for result in results:
        _print_import(result)


def _print_import(r: ImportResult) -> None:
    for warning in r.warnings:
        print(warning, file=sys.stderr)
    rev = f" revision {r.revision}" if r.revision > 1 else ""
    state = ("now current" if r.became_current and r.previous_current is None
             else f"now current, replacing {r.previous_current}" if r.became_current
             else f"kept; {r.previous_current} stays current (it is newer)")
    print(f"imported {r.brand} {r.version}{rev}: {r.models} models, {r.zones} zones, {r.references} references, "
          f"{r.counterfeits} counterfeits, {r.checks} checks; {r.new_blobs} new files in the store; "
          f"{state}; {r.seconds:.2f} s")


def _library_text(brands: list[BrandSummary]) -> str:
    if not brands:
        return "the library is empty: import a pack with 'inspector-app library import PATH'"
    lines: list[str] = []
    for brand in brands:
        lines.append(f"{brand.slug}  {brand.name}")
        for pack in brand.packs:
            mark = "  (current)" if pack.current else ""
            lines.append(f"  {pack.label}{mark}  from {pack.publisher}, imported "
                         f"{pack.imported_at:%Y-%m-%d %H:%M} UTC, {len(pack.checks)} checks")
            if not pack.current:
                continue
            for model in pack.models:
                lines.append(f"    {model.id}  {model.name}")
                for z in model.zones:
                    crit = "critical" if z.critical else "        "
                    lines.append(f"      {z.id:<22} {z.kind:<10} {crit}  {len(z.references)} references, "
                                 f"{len(z.counterfeits)} counterfeits")
    return "\n".join(lines)


def _library_json(brands: list[BrandSummary]) -> list[dict[str, object]]:
    return [{
        "brand": b.slug, "brand_name": b.name,
        "current_version": b.current.version if b.current else None,
        "versions": [{
            "version": p.version, "revision": p.revision, "current": p.current, "publisher": p.publisher,
            "digest": p.digest, "imported_at": p.imported_at.isoformat(), "checks": len(p.checks),
            "models": [{"model": m.id, "name": m.name, "zones": [
                {"zone": z.id, "kind": z.kind, "critical": z.critical, "references": len(z.references),
                 "counterfeits": len(z.counterfeits)} for z in m.zones]} for m in p.models],
        } for p in b.packs],
    } for b in brands]


def _terminal_progress() -> Progress | None:
    """A one-line progress display on an interactive terminal; silent otherwise."""
    if not sys.stderr.isatty():
        return None

    def show(stage: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        print(f"\r{stage:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="", file=sys.stderr,
              flush=True)

    return show


def _clear_progress() -> None:
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
