"""The interchange format's name and version, and how its CSV form writes lists. Its fields are a tool record's
(``catalogue.records``)."""

FORMAT_NAME = "ai-tools-catalogue"
FORMAT_VERSION = 1
CSV_LIST_SEPARATOR = "|"
