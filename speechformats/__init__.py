"""Dataset formats and validation, text normalization and WER shared by the portal and the
bundled speech service. Plain Python: no Django imports here."""
