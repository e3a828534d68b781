"""What a newcomer's first commands rely on: installs from the hash lock, migrations on nothing."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from bot.cli import cli

ROOT = Path(__file__).parents[1]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ \\]+)", re.MULTILINE)


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {name.lower().replace("_", "-"): version for name, version in PIN.findall(text)}


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(line) for line in listed]


def test_every_pin_of_both_locks_carries_a_hash() -> None:
    for lock in ("requirements.lock", "requirements-dev.lock"):
        entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text(encoding="utf-8"))
        pinned = [entry for entry in entries if PIN.match(entry)]
        assert pinned, lock
        assert [e.split()[0] for e in pinned if "--hash=sha256:" not in e] == [], lock


def test_locks_satisfy_pyproject_and_production_runs_what_the_suite_ran() -> None:
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    for requirement in declared():
        name = requirement.name.lower().replace("_", "-")
        assert requirement.specifier.contains(runtime[name]), (name, runtime[name])
    for requirement in declared("dev"):
        name = requirement.name.lower().replace("_", "-")
        assert requirement.specifier.contains(dev[name]), (name, dev[name])
    assert {name: v for name, v in runtime.items() if dev.get(name) != v} == {}


def test_make_and_the_dockerfile_install_from_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes -r $(LOCK)" in makefile
    assert "--require-hashes -r $(DEV_LOCK)" in makefile
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "RUN pip install --require-hashes -r requirements.lock" in dockerfile
    project_install = "RUN pip install --no-deps --no-build-isolation ."
    assert dockerfile.index("-r requirements.lock") < dockerfile.index(project_install)


def test_db_upgrade_creates_the_schema_on_an_empty_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'relais.db'}"
    result = CliRunner().invoke(cli, ["db", "upgrade"], env={"RELAIS_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "Base de données à jour." in result.output
    engine = create_engine(url)
    assert {"projects", "ideas", "alembic_version"} <= set(inspect(engine).get_table_names())
    engine.dispose()
