"""problems: randomized, seed-reproducible worked exercises that check a student's numbers."""
