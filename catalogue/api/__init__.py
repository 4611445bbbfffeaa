"""The JSON API under ``/api/v1``: the catalogue's searches and pages for programs, and curators' drafts and proposed
changes through the same services as the editor. Described by the OpenAPI document built in ``spec.py``."""
