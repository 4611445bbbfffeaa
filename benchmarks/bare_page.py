"""The yardstick of ``benchmarks/load.py``: a bare Flask + Jinja page (a layout, a title, a list of twenty links),
served by gunicorn with the catalogue's settings. What the catalogue's pages cost is compared with it."""

from flask import Flask, render_template
from jinja2 import DictLoader

app = Flask(__name__)
app.jinja_env.loader = DictLoader({
    "layout.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}{% endblock %}</title></head>
<body><main>{% block content %}{% endblock %}</main></body></html>""",
    "page.html": """{% extends "layout.html" %}{% block title %}Bare page{% endblock %}
{% block content %}<h1>Bare page</h1><ul>
{% for item in items %}<li><a href="/items/{{ item }}">Item {{ item }}</a></li>{% endfor %}
</ul>{% endblock %}""",
})
ITEMS = list(range(20))


@app.get("/")
def page():
    return render_template("page.html", items=ITEMS)


@app.get("/healthz")
def healthz():
    return "ok"
