"""Demo data: a realistic company (14 city projects, the 799-household batch, complaints, bills,
the case library) so a newcomer sees a living system on first start. Run `python -m demo`."""
