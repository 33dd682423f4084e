"""Files of entities on disk, listed as the API's `File` objects, downloaded through signed
content URLs (the service's stand-in for SAS URLs: they work without a key until they expire)."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing

SIGNING_SALT = "localspeech.content"
DEFAULT_SAS_SECONDS = 12 * 3600


def entity_dir(resource_id: uuid.UUID | str, entity_id: uuid.UUID | str) -> Path:
    return settings.LOCALSPEECH_DATA_DIR / str(resource_id) / str(entity_id)


def files_dir(resource_id, entity_id) -> Path:
    return entity_dir(resource_id, entity_id) / "files"


def work_dir(resource_id, entity_id, name: str) -> Path:
    path = entity_dir(resource_id, entity_id) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class StoredFile:
    entity_id: str
    kind: str
    name: str
    path: Path

    @property
    def id(self) -> str:
        return str(uuid.uuid5(uuid.UUID(self.entity_id), f"{self.kind}/{self.name}"))


def add_file(resource_id, entity_id, kind: str, name: str, content: bytes | Path) -> StoredFile:
    folder = files_dir(resource_id, entity_id) / kind
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, Path):
        shutil.copyfile(content, target)
    else:
        target.write_bytes(content)
    return StoredFile(str(entity_id), kind, name, target)


def list_files(resource_id, entity_id) -> list[StoredFile]:
    root = files_dir(resource_id, entity_id)
    if not root.exists():
        return []
    found = []
    for kind_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(p for p in kind_dir.rglob("*") if p.is_file()):
            found.append(
                StoredFile(str(entity_id), kind_dir.name, str(path.relative_to(kind_dir)), path)
            )
    return found


def find_file(resource_id, entity_id, file_id: str) -> StoredFile | None:
    return next((f for f in list_files(resource_id, entity_id) if f.id == file_id), None)


def remove_entity_files(resource_id, entity_id) -> None:
    shutil.rmtree(entity_dir(resource_id, entity_id), ignore_errors=True)


def sign_path(path: Path, seconds: int = DEFAULT_SAS_SECONDS) -> str:
    """A URL-safe token naming the file and how long it may be downloaded."""
    relative = path.resolve().relative_to(settings.LOCALSPEECH_DATA_DIR.resolve())
    return signing.dumps({"p": str(relative), "s": int(seconds)}, salt=SIGNING_SALT, compress=True)


def unsign_path(token: str) -> Path:
    """The file a content token names; raises signing.BadSignature when forged or expired."""
    claims = signing.loads(token, salt=SIGNING_SALT)
    signing.loads(token, salt=SIGNING_SALT, max_age=int(claims["s"]))
    path = (settings.LOCALSPEECH_DATA_DIR / claims["p"]).resolve()
    if settings.LOCALSPEECH_DATA_DIR.resolve() not in path.parents:
        raise signing.BadSignature("path outside the data folder")
    return path
