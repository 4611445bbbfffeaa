"""Trainings: courses, webinars and workshops members enrol in, with a waiting list, CSV and iCalendar files."""
