"""Bookings with capacity: youth-station lodging, events and the founders' school, park spaces, the talent
partner programme."""
