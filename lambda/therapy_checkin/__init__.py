"""Therapy Check-In: a weekly spoken check-in on twelve signs of progress in therapy."""
