"""One-stop service desk: the service catalogue by life stage, tickets under SLA on the working calendar,
one-to-one service officers."""
