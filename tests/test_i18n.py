"""Interface strings are wrapped for translation from the start: Babel's extractor must find them."""

from pathlib import Path

from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parent.parent


def extracted_messages() -> set[str]:
    method_map = [("catalogue/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=keywords
    ):
        found.update(message if isinstance(message, tuple) else (message,))
    return found


def test_template_python_and_plural_strings_are_extractable():
    messages = extracted_messages()
    assert "Skip to main content" in messages  # base.html
    assert "Name (A–Z)" in messages  # tools/forms.py, lazy
    assert "Page not found" in messages  # errors.py
    assert "The catalogue lists %(count)s published tools." in messages  # {% trans count %} plural
    assert "The information in its entry has been verified from at least one named source." in messages
