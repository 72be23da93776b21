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
    found = shutil.which(binary)
    if found:
        return found
    why = None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        why = f"{binary} is missing and cannot be installed here (needs root and apt-get): " \
              f"apt-get install {package}"
    else:
        done = _apt("install", "-y", "--no-install-recommends", package)
        if done.returncode != 0:  # a fresh machine may have no package lists yet
            _apt("update")
            done = _apt("install", "-y", "--no-install-recommends", package)
        found = shutil.which(binary)
        if not found:
            why = f"apt-get install {package} failed: {done.stderr.strip()[-300:]}"
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(why)
    pytest.skip(why)
