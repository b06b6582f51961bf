"""Complaints: the handling method the seeds teach, enforced. Model, clocks, escalation, workflow."""
