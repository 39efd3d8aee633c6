"""The supported botocore range is real: tox's ``lowest`` env pins exactly the declared floor."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import botocore

ROOT = Path(__file__).resolve().parent.parent


def declared_floor() -> str:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'"botocore>=([\d.]+)"', pyproject)
    assert match is not None, "pyproject.toml must declare a botocore floor"
    return match.group(1)


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_the_lowest_env_installs_the_declared_floor() -> None:
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    set_env = tox["testenv:lowest"]["set_env"]
    # Both installers obey the same constraints file, so neither can upgrade the pins.
    assert "UV_CONSTRAINT = {toxinidir}/.ci/lowest-constraints.txt" in set_env
    assert "PIP_CONSTRAINT = {toxinidir}/.ci/lowest-constraints.txt" in set_env
    pins = (ROOT / ".ci" / "lowest-constraints.txt").read_text(encoding="utf-8").split()
    floor = declared_floor()
    assert f"botocore=={floor}" in pins
    assert f"boto3=={floor}" in pins
    assert tox["testenv:newest"]["uv_resolution"] == "highest"
    assert "tox-uv" in tox["tox"]["requires"]


def test_this_run_uses_a_supported_botocore() -> None:
    assert version(botocore.__version__) >= version(declared_floor())
