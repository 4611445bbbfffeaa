"""The agency directory: agencies, their units and points of contact, and the catalogue tools they use."""
