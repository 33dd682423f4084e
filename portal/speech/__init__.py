"""The only code that speaks HTTP to Speech resources (Azure or the bundled service)."""
