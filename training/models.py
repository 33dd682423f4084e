"""Models of training."""
