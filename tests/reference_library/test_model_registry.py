"""The model registry on a real database and store: install, refuse, serve the newest, keep the old."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector_app.cli import main
from inspector_app.services.models import ModelService
from inspector_app.workstation import MODELS_DIR, Workstation
from reference_library.model_registry import RegistryError, list_models, serving_models
from tests.onnx_models import mean_model, model_with_card  # skips where onnx is absent


def service(ws: Workstation) -> ModelService:
    return ModelService(ws.session_factory, ws.store)


def user_models(ws: Workstation) -> list[str]:
    """Installed models other than the bundled one."""
    return [f"{m.name} {m.version}" for m in service(ws).models() if m.installed_by != "bundled with the workstation"]


def test_install_stores_the_file_and_serves_its_kinds(workstation: Workstation, tmp_path: Path) -> None:
    path = model_with_card(tmp_path / "m", kinds=("logo", "hardware"), threshold=0.25)
    m = service(workstation).install(path, "admin")
    assert (m.kinds, m.threshold, m.installed_by) == (("logo", "hardware"), 0.25, "admin")
    assert workstation.store.read(m.sha256) == path.read_bytes()
    with workstation.session_factory() as session:
        serving = serving_models(session)
    assert serving["logo"].sha256 == serving["hardware"].sha256 == m.sha256


def test_newer_version_serves_and_the_older_is_kept(workstation: Workstation, tmp_path: Path) -> None:
    old = service(workstation).install(model_with_card(tmp_path / "a", version="1.5", kinds=("logo", "hardware")), "a")
    new = service(workstation).install(model_with_card(tmp_path / "b", version="1.10", kinds=("logo",)), "a")
    with workstation.session_factory() as session:
        serving = serving_models(session)
        names = [m.version for m in list_models(session) if m.installed_by == "a"]
    assert names == ["1.10", "1.5"]                     # versions compare as versions, not text
    assert serving["logo"].sha256 == new.sha256
    assert serving["hardware"].sha256 == old.sha256     # the older model still serves what the newer does not


@pytest.mark.parametrize("card, message", [
    ({"sha256": "0" * 64}, "does not match its model card"),
    ({"kinds": ["stitching"]}, "'kinds' must list"),
    ({"threshold": 1.5}, "'threshold' must be a probability"),
    ({"version": "latest"}, "not a version number"),
    ({"name": "Bad Name!"}, "'name' must be"),
])
def test_bad_card_is_refused_and_changes_nothing(workstation: Workstation, tmp_path: Path, card: dict,
                                                 message: str) -> None:
    before = set(workstation.store.root.rglob("*"))
    path = model_with_card(tmp_path, **card)
    with pytest.raises(RegistryError, match=message):
        service(workstation).install(path, "admin")
    assert user_models(workstation) == [] and set(workstation.store.root.rglob("*")) == before


def test_missing_card_wrong_contract_and_duplicates(workstation: Workstation, tmp_path: Path) -> None:
    lone = tmp_path / "lone.onnx"
    mean_model(lone, name="lone")
    with pytest.raises(RegistryError, match="no model card lone.json"):
        service(workstation).install(lone, "admin")
    other = tmp_path / "other.onnx"
    sha = mean_model(other, input_name="image", name="other")
    other.with_suffix(".json").write_text(json.dumps(
        {"name": "other", "version": "1", "sha256": sha, "kinds": ["logo"], "threshold": 0.5}))
    with pytest.raises(RegistryError, match="not a pair classifier"):
        service(workstation).install(other, "admin")
    good = model_with_card(tmp_path / "good")
    service(workstation).install(good, "admin")
    with pytest.raises(RegistryError, match="already installed"):
        service(workstation).install(good, "admin")
    assert user_models(workstation) == ["test-pair 1"]


def test_bundled_model_is_registered_once(workstation: Workstation) -> None:
    shipped = sorted(MODELS_DIR.glob("*.onnx"))
    if not shipped:
        pytest.skip("no model is shipped in resources/models")
    bundled = [m for m in service(workstation).models() if m.installed_by == "bundled with the workstation"]
    assert len(bundled) == len(shipped)
    assert service(workstation).register_bundled(MODELS_DIR) == []     # reopening adds nothing


def test_models_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("INSPECTOR_DB_URL", raising=False)
    path = model_with_card(tmp_path / "m", name="cli-model", version="9", kinds=("hardware",))
    assert main(["models", "install", str(path)]) == 0
    assert "installed cli-model 9" in capsys.readouterr().out
    assert main(["models", "list", "--json"]) == 0
    listed = {m["name"]: m for m in json.loads(capsys.readouterr().out)}
    assert listed["cli-model"]["serving"] == ["hardware"]
    assert main(["models", "install", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already installed" in err
    assert main(["models", "list"]) == 0
    assert "cli-model 9" in capsys.readouterr().out
