"""Recruitment fairs: station fairs with arrival-aware interview scheduling, campus tours, cloud fairs."""
