"""A wheel of the project works without the checkout: built, installed into a fresh virtual environment, then
migrated, loaded with the demo data and browsed from a directory elsewhere, as someone installing it would.

The new environment reuses this one's installed dependencies (a ``.pth`` file) so nothing is downloaded, but imports
``catalogue`` only from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
#: Left out of the copy the wheel is built from: never part of a build; ``*.mo`` so the build must compile them.
NOT_SOURCE = (".git", ".venv", "venv", "build", "dist", "instance", "test-results", "*.egg-info", "__pycache__",
              ".pytest_cache", ".ruff_cache", "*.mo")
#: Top-level folders of the checkout that the package carries inside itself once installed.
FOLDERS = {"templates": "catalogue/templates", "migrations": "catalogue/migrations"}

HOME_PAGE = """
import json, sys
import catalogue
from catalogue import create_app

app = create_app()
client = app.test_client()
pages = {"home": ("/", "en"), "home in French": ("/", "fr"), "tool": ("/tools/alderwisp-device-triage", "en"),
         "guidance": ("/guidance/web-crawling", "en"), "style sheet": ("/static/css/site.css", "en")}
answers = {name: client.get(path, headers={"Accept-Language": language}) for name, (path, language) in pages.items()}
json.dump({
    "catalogue": catalogue.__file__,
    "templates": app.jinja_loader.searchpath[0],
    "migrations": app.extensions["migrate"].directory,
    "pages": {name: {"status": answer.status_code, "text": answer.get_data(as_text=True)}
              for name, answer in answers.items()},
}, sys.stdout)
"""


def can_build_offline() -> bool:
    """Whether this environment holds the build requirements (setuptools with bdist_wheel, Babel); else pip fetches
    them into an isolated build environment, as for any user."""
    try:
        setuptools = tuple(int(part) for part in version("setuptools").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        return False
    has_bdist_wheel = setuptools >= (70, 1) or find_spec("wheel") is not None
    return setuptools >= (69, 0) and has_bdist_wheel and find_spec("babel") is not None


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **options)
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the checkout without generated files, and the wheel built from it."""
    root = tmp_path_factory.mktemp("packaging")
    source = root / "source"
    shutil.copytree(CHECKOUT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    command = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--quiet", "-w", str(root / "dist")]
    if can_build_offline():
        command += ["--no-build-isolation", "--no-index"]
    run(command, cwd=root)
    (wheel,) = (root / "dist").glob("*.whl")
    return source, wheel


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """A fresh virtual environment holding the wheel; it finds the other dependencies in this environment."""
    _, wheel = built
    environment = tmp_path_factory.mktemp("venv")
    venv.create(environment, with_pip=False)
    python = environment / "bin" / "python"
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    dependencies = dict.fromkeys([*site.getsitepackages(), sysconfig.get_paths()["purelib"],
                                  sysconfig.get_paths()["platlib"]])
    Path(purelib, "dependencies.pth").write_text("\n".join(dependencies) + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "--quiet",
         str(wheel)])
    return python


def test_the_wheel_carries_every_file_of_the_package_templates_migrations_and_compiled_translations(built):
    source, wheel = built
    expected = set()
    for folder in ("catalogue", *FOLDERS):
        for path in (source / folder).rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                relative = path.relative_to(source).as_posix()
                top, _, rest = relative.partition("/")
                expected.add(f"{FOLDERS[top]}/{rest}" if top in FOLDERS else relative)
    catalogues = {path.relative_to(source).with_suffix(".mo").as_posix()
                  for path in (source / "catalogue" / "translations").glob("*/LC_MESSAGES/messages.po")}
    assert len(catalogues) == 5
    with zipfile.ZipFile(wheel) as archive:
        contents = set(archive.namelist())
    assert sorted(expected - contents) == []
    assert sorted(catalogues - contents) == [], "the build compiles the message catalogues itself"


def test_an_installed_wheel_migrates_loads_the_demo_and_serves_the_home_page_outside_the_checkout(
        installed, tmp_path):
    environment = installed.parent.parent
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("CATALOGUE_", "FLASK_", "MAIL_", "PYTHON")) and name not in ("DATABASE_URL",
                                                                                              "SECRET_KEY")}
    env.update(CATALOGUE_DATA_DIR=str(tmp_path / "data"), CATALOGUE_PUBLIC_BROWSING="1", PYTHONNOUSERSITE="1")
    flask = [str(installed), "-m", "flask", "--app", "catalogue"]

    run([*flask, "db", "upgrade"], cwd=work, env=env)
    vocabularies = run([*flask, "catalogue", "vocabularies"], cwd=work, env=env)
    assert "Vocabularies synchronised" in vocabularies.stdout
    run([*flask, "catalogue", "demo"], cwd=work, env=env)
    seen = json.loads(run([str(installed), "-c", HOME_PAGE], cwd=work, env=env).stdout)

    for installed_file in ("catalogue", "templates", "migrations"):
        assert Path(seen[installed_file]).is_relative_to(environment), seen[installed_file]
    pages = seen["pages"]
    assert {path: page["status"] for path, page in pages.items()} == dict.fromkeys(pages, 200)
    assert "Find the right AI tool for a child-protection investigation" in pages["home"]["text"]
    assert "Demonstration data." in pages["home"]["text"]
    assert "published tools" in pages["home"]["text"] and "lists 0 published" not in pages["home"]["text"]
    assert "Trouvez l’outil d’IA adapté à une enquête de protection de l’enfance" in pages["home in French"]["text"]
    assert "Alderwisp Device Triage" in pages["tool"]["text"]
    assert "Web crawling and OSINT collection" in pages["guidance"]["text"]
