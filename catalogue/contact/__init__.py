"""Contact requests between agencies: sending, the lifecycle, message threads, notifications and oversight."""
