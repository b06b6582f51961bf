"""Move-in (key handover) days: the station flow, queue forecasts, staffing, the hall, the checklist."""
