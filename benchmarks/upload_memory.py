"""Peak resident memory of the portal's processes while a large Acoustic dataset goes from a
browser (a streaming HTTP client here) through the upload wizard to the bundled speech service.

    .venv/bin/python benchmarks/upload_memory.py [MiB]      (default 1024; target: under 150 MB)

Starts the web server and a worker on the embedded defaults in a throwaway folder, uploads a zip
of WAV files of about the given size, and reads each process's peak RSS (VmHWM in /proc). The web
process also hosts the bundled service, which receives the blocks; both figures are printed.
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import wave
import zipfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def make_zip(path: Path, mib: int) -> int:
    """WAV files of one minute each (16 kHz, mono, 16-bit: 1.9 MB) and their transcript."""
    seconds = 60
    frames = os.urandom(16000 * 2 * seconds)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(frames)
    audio = buffer.getvalue()
    count = max(1, mib * 1024 * 1024 // len(audio))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(
            "trans.txt", "".join(f"f{i:05d}.wav\tnoise for a benchmark\n" for i in range(count))
        )
        for i in range(count):
            archive.writestr(f"f{i:05d}.wav", audio)
    return count


def token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def manage(env, *args: str) -> str:
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def main() -> None:
    mib = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    folder = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DEBUG="true",
        PORTAL_VAR_DIR=str(folder / "var"),
        LOCALSPEECH_ALLOW_PRIVATE_URLS="true",
        LOCALSPEECH_CONTENT_MAX_BYTES=str(4 * 1024**3),
        LOG_LEVEL="WARNING",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "demo_user")
    manage(env, "register_local_resource", "--url", base)
    web = subprocess.Popen(
        [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    def celery(queues: str) -> subprocess.Popen:
        command = [
            PY,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-P",
            "threads",
            "-c",
            "2",
            "-Q",
            queues,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
        ]
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    # The portal's worker, and the bundled service's engine worker (its own machines later).
    worker, engine = celery("default,sync"), celery("engine")
    try:
        archive = folder / "big.zip"
        files = make_zip(archive, mib)
        size = archive.stat().st_size
        with httpx.Client(base_url=base, timeout=600, follow_redirects=False) as client:
            for _ in range(60):
                try:
                    client.get("/healthz")
                    break
                except httpx.HTTPError:
                    time.sleep(0.5)

            login = client.get("/login/").text
            client.post(
                "/login/",
                data={"username": "demo", "password": "demo", "csrfmiddlewaretoken": token(login)},
            )
            page = client.get("/projects/").text
            if "Create a project" not in page:
                raise SystemExit(f"not signed in or no team to create projects in: {page[:300]}")
            resource_id = re.search(r'<option value="(\d+)">Local speech', page).group(1)
            team_id = re.search(r'<option value="(\d+)">Demo team', page).group(1)
            client.post(
                "/projects/",
                data={
                    "csrfmiddlewaretoken": token(page),
                    "team": team_id,
                    "resource": resource_id,
                    "display_name": "Bench",
                    "locale": "en-US",
                    "description": "",
                },
            )
            project_url = None
            for _ in range(120):
                listing = client.get("/projects/").text
                match = re.search(
                    r'href="(/projects/\d+/)">Bench</a>(?!\s*<span class="badge run">)', listing
                )
                if match:
                    project_url = match.group(1)
                    break
                time.sleep(0.5)
            detail = client.get(project_url).text
            kind_url = client.post(
                f"{project_url}datasets/new/", data={"csrfmiddlewaretoken": token(detail)}
            ).headers["Location"]
            upload = kind_url.split("/uploads/")[1].split("/")[0]
            kind_page = client.get(kind_url).text
            client.post(
                kind_url, data={"csrfmiddlewaretoken": token(kind_page), "kind": "Acoustic"}
            )
            source_url = f"/projects/uploads/{upload}/new/source/"
            source_page = client.get(source_url).text
            start = time.perf_counter()
            with archive.open("rb") as handle:
                client.post(
                    source_url,
                    data={"csrfmiddlewaretoken": token(source_page)},
                    files={"file": ("big.zip", handle, "application/zip")},
                )
            browser_seconds = time.perf_counter() - start
            for _ in range(1200):
                page = client.get(
                    f"/projects/uploads/{upload}/new/validation/", headers={"HX-Request": "true"}
                ).text
                if "accepted" in page or "alert-error" in page:
                    break
                time.sleep(0.5)
            details_url = f"/projects/uploads/{upload}/new/details/"
            details = client.get(details_url).text
            client.post(
                details_url,
                data={
                    "csrfmiddlewaretoken": token(details),
                    "display_name": "Big",
                    "description": "",
                },
            )
            start = time.perf_counter()
            for _ in range(3600):
                page = client.get(
                    f"/projects/uploads/{upload}/", headers={"HX-Request": "true"}
                ).text
                if "Sent." in page or "failed" in page:
                    break
                time.sleep(0.5)
            send_seconds = time.perf_counter() - start
        print(
            f"dataset: {files} WAV files, {size / 1024**2:.0f} MiB; browser to portal "
            f"{browser_seconds:.1f} s, "
            f"portal to resource {send_seconds:.1f} s ({'sent' if 'Sent.' in page else 'NOT sent'})"
        )
        print(
            f"peak RSS: web (portal and bundled service) {peak_mib(web.pid):.0f} MiB, "
            f"portal worker {peak_mib(worker.pid):.0f} MiB, "
            f"engine worker {peak_mib(engine.pid):.0f} MiB"
        )
    finally:
        for process in (web, worker, engine):
            os.killpg(process.pid, signal.SIGTERM)
        for process in (web, worker, engine):
            process.wait(timeout=30)
        subprocess.run(["rm", "-rf", str(folder)], check=False)


if __name__ == "__main__":
    main()
