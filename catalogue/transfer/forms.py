from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import InputRequired

from catalogue.transfer.services import EXTENSIONS


class ImportForm(FlaskForm):
    file = FileField(
        _l("File to import"),
        validators=[FileRequired(_l("Choose a JSON or CSV file to import.")),
                    FileAllowed(EXTENSIONS, _l("Only .json and .csv files can be imported."))],
        description=_l("Interchange format v1, as JSON or CSV, at most 2 MB. Nothing is written until you apply "
                       "the import after checking the report."),
    )


class KeptImportForm(FlaskForm):
    """Apply or discard the upload kept after a clean dry run."""

    token = HiddenField(validators=[InputRequired()])
