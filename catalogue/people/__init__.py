"""Officer profiles, the people directory and introduction requests between members (docs/people.md)."""
