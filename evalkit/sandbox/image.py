"""Building the judge image without any registry.

``debootstrap`` installs a minimal Debian bookworm with the packages listed in
``sandboxes/judge/packages.txt`` into a folder, which is then imported as an
image.  On machines that can pull ``debian:bookworm`` the Dockerfile beside
that list builds the same thing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from evalkit._resources import sandboxes_dir
from evalkit.sandbox.docker import DEFAULT_IMAGE, SandboxError, connect

DEFAULT_MIRROR = "http://deb.debian.org/debian"
SUITE = "bookworm"


PACKAGES_LABEL = "evalkit.packages_sha256"


def packages() -> list[str]:
    """The Debian packages the judge image holds."""
    text = (sandboxes_dir() / "judge" / "packages.txt").read_text()
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def packages_sha256() -> str:
    """Hash of the package list, stored as an image label: a stale image is rebuilt."""
    return hashlib.sha256(" ".join(sorted(packages())).encode()).hexdigest()


def is_current(image: str = DEFAULT_IMAGE) -> bool:
    """True when ``image`` exists and was built from the current package list."""
    client = connect()
    try:
        labels = client.images.get(image).labels or {}
    except Exception:  # noqa: BLE001 - missing image or engine trouble: not current
        return False
    return labels.get(PACKAGES_LABEL) == packages_sha256()


def build_debootstrap(image: str = DEFAULT_IMAGE, mirror: str | None = None,
                      log: Any = print) -> str:
    """Build ``image`` with debootstrap + import; return the image id."""
    if shutil.which("debootstrap") is None:
        raise SandboxError("debootstrap is not installed: apt-get install -y debootstrap")
    if os.geteuid() != 0:
        raise SandboxError("debootstrap needs root: run `sudo evalkit sandbox build`")
    client = connect()
    mirror = mirror or os.environ.get("EVALKIT_DEBIAN_MIRROR", DEFAULT_MIRROR)
    with tempfile.TemporaryDirectory(prefix="evalkit-rootfs-") as tmp:
        root = Path(tmp) / "rootfs"
        cmd = ["debootstrap", "--variant=minbase", "--include=" + ",".join(packages()),
               SUITE, str(root), mirror]
        log(f"$ {' '.join(cmd)}")
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
            raise SandboxError(f"debootstrap failed: {' / '.join(tail)}")
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
            shutil.rmtree(root / junk, ignore_errors=True)
        tar_path = Path(tmp) / "rootfs.tar"
        log("packing the root file system")
        with tarfile.open(tar_path, "w") as tar:
            tar.add(root, arcname=".")
        repo, _, tag = image.partition(":")
        log(f"importing as {image}")
        client.api.import_image_from_file(
            str(tar_path), repository=repo, tag=tag or "latest",
            changes=["ENV PATH=/usr/local/bin:/usr/bin:/bin", "ENV LANG=C.UTF-8",
                     'CMD ["sleep", "infinity"]',
                     f"LABEL {PACKAGES_LABEL}={packages_sha256()}"],
        )
    return str(client.images.get(image).id)


def build_dockerfile(image: str = DEFAULT_IMAGE, log: Any = print) -> str:
    """Build ``image`` from the Dockerfile (needs to pull debian:bookworm)."""
    client = connect()
    context = sandboxes_dir() / "judge"
    log(f"docker build {context}")
    img, _ = client.images.build(path=str(context), tag=image, rm=True,
                                 labels={PACKAGES_LABEL: packages_sha256()})
    return str(img.id)


def check(image: str = DEFAULT_IMAGE) -> dict[str, str]:
    """Engine and image facts; raises a one-line SandboxError when unusable."""
    from evalkit.sandbox.docker import require_image

    client = connect()
    image_id = require_image(client, image)
    out = client.containers.run(
        image,
        ["sh", "-c", "g++ --version | head -1; python3 --version; pypy3 --version | tail -1"],
        remove=True, network_mode="none",
    ).decode()
    version = client.version()
    lines = out.strip().splitlines()
    return {
        "engine": f"Docker {version.get('Version')} (API {version.get('ApiVersion')})",
        "image": image,
        "image_id": image_id,
        "g++": lines[0] if lines else "?",
        "python3": lines[1] if len(lines) > 1 else "?",
        "pypy3": lines[2] if len(lines) > 2 else "?",
    }
