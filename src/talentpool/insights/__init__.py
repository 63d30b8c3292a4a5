"""The talent map, the industry map and the KPI dashboard (read-only figures over every other app)."""
