"""Local development and test tools. Never deployed: nothing in ``lambda/`` imports from here."""
