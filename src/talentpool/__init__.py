"""talentpool: a talent-service platform for a district talent office."""

__version__ = "0.1.0"
