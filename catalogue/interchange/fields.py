"""Field names of interchange format v1, in the order exports write them."""

FORMAT_NAME = "ai-tools-catalogue"
FORMAT_VERSION = 1

MULTI_TERM_FIELDS = (
    "purposes", "technologies", "crime_phases", "workflow_steps", "data_types", "deployment", "intended_users",
)
SINGLE_TERM_FIELDS = ("cost_model", "availability", "maturity", "exposure_reduction")
TERM_FIELDS = MULTI_TERM_FIELDS + SINGLE_TERM_FIELDS
LIST_FIELDS = MULTI_TERM_FIELDS + ("languages",)
TIMESTAMP_FIELDS = ("created_at", "updated_at")

TOOL_FIELDS = (
    "slug", "name", "organisation", "country", "website", "summary", "description",
    *MULTI_TERM_FIELDS,
    *SINGLE_TERM_FIELDS,
    "languages", "responsible_use", "last_reviewed", "status", "demo",
    *TIMESTAMP_FIELDS,
)
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
CSV_LIST_SEPARATOR = "|"
