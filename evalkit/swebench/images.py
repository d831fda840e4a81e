"""Local images in the layout of the official SWE-bench instance images.

The official ``swebench/sweb.eval.x86_64.*`` images hold the repository at
``/testbed`` at ``base_commit`` (SB:swebench/harness/test_spec/python.py,
``make_repo_script_list_py``).  They come from Docker Hub; where that is out of
reach evalkit builds images of the same layout from Debian packages and the
small repositories bundled in ``benchmarks/swebench_sample/repos`` (see
``sandboxes/swe/README.md``).  Nothing here is used for the official images.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from evalkit._resources import benchmarks_dir, sandboxes_dir
from evalkit.errors import EvalkitError

BASE_IMAGE = "evalkit-swe-base:latest"
LABEL = {"evalkit.helper": "swe"}
SUITE = "bookworm"
# Fixed identity and dates make every commit id reproducible, so instance files can
# name base commits before the image exists.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "evalkit", "GIT_AUTHOR_EMAIL": "evalkit@example.invalid",
    "GIT_COMMITTER_NAME": "evalkit", "GIT_COMMITTER_EMAIL": "evalkit@example.invalid",
    "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
}


def cache_dir() -> Path:
    """Where the debootstrapped root file system tarball is kept between builds."""
    return Path(os.environ.get("EVALKIT_CACHE", Path.home() / ".cache" / "evalkit")) / "swebench"


def packages() -> list[str]:
    """The Debian packages of the base image."""
    text = (sandboxes_dir() / "swe" / "packages.txt").read_text()
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _client():  # type: ignore[no-untyped-def]
    import docker

    try:
        client = docker.from_env()
        client.ping()
    except Exception as e:  # noqa: BLE001 - any failure means no usable engine
        raise EvalkitError(f"Docker engine not reachable ({e})") from None
    return client


def _image_exists(client, name: str) -> bool:  # type: ignore[no-untyped-def]
    import docker

    try:
        client.images.get(name)
    except docker.errors.ImageNotFound:
        return False
    return True


def rootfs_tarball(log: Callable[[str], None] = print) -> Path:
    """The base root file system as a tarball, debootstrapped once and cached."""
    out = cache_dir() / f"rootfs-{SUITE}-{'_'.join(packages())}.tar"
    if out.exists():
        return out
    if shutil.which("debootstrap") is None:
        raise EvalkitError("debootstrap is not installed: apt-get install -y debootstrap")
    if os.geteuid() != 0:
        raise EvalkitError("debootstrap needs root to build the SWE-bench test base image")
    mirror = os.environ.get("EVALKIT_DEBIAN_MIRROR", "http://deb.debian.org/debian")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="evalkit-swe-rootfs-") as tmp:
        root = Path(tmp) / "rootfs"
        cmd = ["debootstrap", "--variant=minbase", "--include=" + ",".join(packages()),
               SUITE, str(root), mirror]
        log("$ " + " ".join(cmd))
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
            raise EvalkitError(f"debootstrap failed: {' / '.join(tail)}")
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
            shutil.rmtree(root / junk, ignore_errors=True)
        part = out.with_suffix(".part")
        subprocess.run(["tar", "-C", str(root), "-cf", str(part), "."], check=True)
        part.rename(out)
    return out


def build_base(log: Callable[[str], None] = print) -> str:
    """``evalkit-swe-base:latest`` (built from the cached tarball if missing); its id."""
    client = _client()
    if not _image_exists(client, BASE_IMAGE):
        tar = rootfs_tarball(log)
        log(f"importing {tar} as {BASE_IMAGE}")
        repo, _, tag = BASE_IMAGE.partition(":")
        client.api.import_image_from_file(
            str(tar), repository=repo, tag=tag,
            changes=["ENV PATH=/usr/local/bin:/usr/bin:/bin", "ENV LANG=C.UTF-8",
                     "WORKDIR /testbed", 'CMD ["sleep", "infinity"]',
                     *(f'LABEL {k}="{v}"' for k, v in LABEL.items())])
    return str(client.images.get(BASE_IMAGE).id)


def build_history(commits_dir: Path, dest: Path) -> str:
    """Make ``dest`` a git repository with one commit per snapshot folder; the head id.

    Each sub-folder of ``commits_dir`` (in name order, e.g. ``01-initial``) is the
    complete tree of one commit, its name after the dash the commit message.
    """
    snapshots = sorted(p for p in commits_dir.iterdir() if p.is_dir())
    if not snapshots:
        raise EvalkitError(f"{commits_dir}: no commit snapshots")
    dest.mkdir(parents=True)

    def git(*args: str, env: dict[str, str] | None = None) -> str:
        proc = subprocess.run(["git", "-C", str(dest), *args], capture_output=True, text=True,
                              env={**os.environ, **GIT_ENV, **(env or {})})
        if proc.returncode != 0:
            raise EvalkitError(f"git {' '.join(args)} failed in {dest}: {proc.stderr.strip()}")
        return proc.stdout.strip()

    git("init", "-q", "-b", "main")
    for n, snap in enumerate(snapshots):
        for child in dest.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        shutil.copytree(snap, dest, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        git("add", "-A")
        date = f"2024-01-{n + 1:02d}T12:00:00+00:00"
        message = snap.name.split("-", 1)[-1].replace("-", " ")
        git("commit", "-q", "-m", message, env={"GIT_AUTHOR_DATE": date,
                                                "GIT_COMMITTER_DATE": date})
    return git("rev-parse", "HEAD")


def build_repo_image(repo_dir: Path, image: str, log: Callable[[str], None] = print) -> str:
    """The base image plus ``/testbed`` built from ``repo_dir/commits``; the image id."""
    client = _client()
    if _image_exists(client, image):
        return str(client.images.get(image).id)
    build_base(log)
    with tempfile.TemporaryDirectory(prefix="evalkit-swe-testbed-") as tmp:
        head = build_history(repo_dir / "commits", Path(tmp) / "testbed")
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            tar.add(Path(tmp) / "testbed", arcname="testbed")
        log(f"{image}: /testbed at {head[:12]}")
        container = client.containers.create(BASE_IMAGE, command=["sleep", "infinity"],
                                             labels=LABEL, name=None)
        try:
            container.put_archive("/", buf.getvalue())
            repo, _, tag = image.partition(":")
            container.commit(repository=repo, tag=tag or "latest",
                             changes=["WORKDIR /testbed", *(f'LABEL {k}="{v}"'
                                                            for k, v in LABEL.items())])
        finally:
            container.remove(force=True)
    return str(client.images.get(image).id)


def sample_repos() -> dict[str, Path]:
    """The bundled repositories of ``swebench_sample``: image name -> folder."""
    root = benchmarks_dir() / "swebench_sample" / "repos"
    return {f"evalkit-swe-{p.name}:latest": p for p in sorted(root.iterdir()) if p.is_dir()}


def build_sample_images(log: Callable[[str], None] = print) -> dict[str, str]:
    """Build (or reuse) every image ``swebench_sample`` needs; image name -> id."""
    return {image: build_repo_image(path, image, log) for image, path in sample_repos().items()}
