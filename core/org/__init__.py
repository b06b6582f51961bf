"""Shared core: projects, buildings, units, owners."""
