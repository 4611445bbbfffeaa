# The two front-door commands are `make run` and `make test`; everything else supports them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app wsgi

.PHONY: run serve test lint setup setup-dev db demo messages translations clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml setup.py
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml setup.py
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

# The interface's message catalogues (catalogue/translations/*/LC_MESSAGES/messages.po) compiled for Flask-Babel.
translations: setup
	$(BIN)/pybabel compile -d catalogue/translations

db: setup translations
	$(FLASK) db upgrade
	$(FLASK) catalogue vocabularies

demo: db
	$(FLASK) catalogue demo

run: db
	$(FLASK) catalogue demo --if-empty
	$(FLASK) search rebuild --if-needed
	$(FLASK) users check
	@echo "Serving the catalogue on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Production-style serving with gunicorn (gunicorn.conf.py): no demo data, no development server. Set CATALOGUE_ENV,
# SECRET_KEY, DATABASE_URL and the rest (README "Production") first; HOST and PORT choose where it listens.
serve: db
	$(FLASK) search rebuild --if-needed
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

lint: setup-dev
	$(BIN)/ruff check .

test: setup-dev lint translations
	$(BIN)/python -m pytest

# After changing interface strings: extract them and add the new ones, untranslated, to every language's catalogue.
messages: setup-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --add-comments=Translators: --sort-by-file \
	  --project="AI Tools Catalogue" -o catalogue/translations/messages.pot .
	$(BIN)/pybabel update -i catalogue/translations/messages.pot -d catalogue/translations --no-fuzzy-matching \
	  --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
