"""The validation report: what was accepted, every rejected line or file with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Rejection:
    file: str
    line: int | None
    reason: str
    text: str = ""

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "reason": self.reason, "text": self.text}

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


@dataclass
class ValidationReport:
    kind: str
    accepted: list = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    fatal: str | None = None

    @property
    def ok(self) -> bool:
        """Usable: nothing fatal and at least one accepted line or file."""
        return self.fatal is None and bool(self.accepted)

    def reject(self, file: str, line: int | None, reason: str, text: str = "") -> None:
        self.rejected.append(Rejection(file, line, reason, text[:200]))

    def fail(self, reason: str) -> ValidationReport:
        self.fatal = reason
        return self

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "status": "Succeeded" if self.ok else "Failed",
            "error": self.fatal or (None if self.accepted else "Nothing in the data was usable."),
            "acceptedLineCount": len(self.accepted),
            "rejectedLineCount": len(self.rejected),
            "summary": self.summary,
            "warnings": self.warnings,
            "rejected": [r.as_dict() for r in self.rejected],
        }
