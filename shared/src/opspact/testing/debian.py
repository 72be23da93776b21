"""Real third-party programs from Debian's packages for the tests (Alertmanager today, Chromium
and Prometheus next): found on the PATH, else installed with apt-get when running as root (what
`make test` on a fresh CI machine is), else the test is skipped with the reason — except under
`CI=true`, where a missing program fails the run instead of hiding a gap."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

APT_TIMEOUT_SECONDS = 600


def _apt(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["apt-get", *args], capture_output=True, text=True, timeout=APT_TIMEOUT_SECONDS,
                          env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def program(package: str, binary: str) -> str:
    """The path of `binary` from Debian's `package`, installing the package if need be."""
    return installed(package, binary, lambda: shutil.which(binary))


def data_file(package: str, path: str) -> str:
    """A file a package ships (a font, say), installing the package if need be."""
    return installed(package, path, lambda: path if os.path.exists(path) else None)


def installed(package: str, what: str, find) -> str:
    """What `find()` finds once `package` is installed: found as it is, else installed with
    apt-get when root, else a skip (a failure under CI=true) naming `what` is missing."""
    found = find()
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        why = f"{what} is missing and cannot be installed here (needs root and apt-get): " \
              f"apt-get install {package}"
    else:
        done = _apt("install", "-y", "--no-install-recommends", package)
        if done.returncode != 0:  # a fresh machine may have no package lists yet
            _apt("update")
            done = _apt("install", "-y", "--no-install-recommends", package)
        found = find()
        if found:
            return found
        why = f"apt-get install {package} failed: {done.stderr.strip()[-300:]}"
    if os.environ.get("CI") == "true":
        pytest.fail(why)
    pytest.skip(why)
