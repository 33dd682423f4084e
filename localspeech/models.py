"""Models of localspeech."""
