"""The admin's screens: users, organisation, models, settings."""
