"""Models of deployments."""
