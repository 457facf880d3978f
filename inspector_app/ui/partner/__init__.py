"""The brand partner's screens: the reference library with import, export and version comparison."""
