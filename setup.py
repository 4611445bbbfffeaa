"""The two packaging steps pyproject.toml cannot declare; everything else is in its ``[tool.setuptools*]`` sections.

1. ``templates/`` and ``migrations/`` stay at the top of the repository but are installed inside the package, as
   ``catalogue/templates`` and ``catalogue/migrations`` (setuptools ``package_dir``), where ``create_app`` looks for
   them first. pyproject.toml can map folders, but only with a hand-written list of every package, which would
   silently leave out the next new one: here the list is found.
2. The interface's message catalogues (``.po``) are compiled into the build (``.mo``), as ``make translations`` does in
   the checkout, so a wheel always speaks the six languages, whether or not they were compiled beforehand.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

#: Top-level folders of the repository that the installed package carries.
FOLDERS = {"catalogue.templates": "templates", "catalogue.migrations": "migrations"}


class BuildPyWithCatalogues(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the checkout, compiled by `make translations`
            return
        from babel.messages.frontend import CommandLineInterface

        translations = Path(self.build_lib, "catalogue", "translations")
        if CommandLineInterface().run(["pybabel", "--quiet", "compile", "--directory", str(translations)]):
            raise SystemExit(f"The message catalogues in {translations} did not compile.")


def folder_packages(package: str, folder: str) -> list[str]:
    """The folder and its subfolders as (data-only) packages, so setuptools knows where each file belongs."""
    return [package, *(f"{package}.{name}" for name in find_namespace_packages(where=folder))]


setup(
    packages=[
        *find_namespace_packages(include=["catalogue", "catalogue.*"]),
        *(name for package, folder in FOLDERS.items() for name in folder_packages(package, folder)),
    ],
    package_dir=FOLDERS,
    cmdclass={"build_py": BuildPyWithCatalogues},
)
