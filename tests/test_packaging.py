"""The addon's declared metadata matches what the repository installs."""

import ast

from e2e import ADDON, REPO_ROOT


def manifest():
    return ast.literal_eval((REPO_ROOT / ADDON / "__manifest__.py").read_text())


def requirement_names(path):
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            names.add(line.split(";")[0].split("=")[0].split(">")[0].split("<")[0])
    return {name.strip().lower() for name in names}


def test_external_dependencies_match_requirements():
    declared = {name.lower() for name in manifest()["external_dependencies"]["python"]}
    assert declared == requirement_names(REPO_ROOT / "requirements.txt")


def test_manifest_version_and_license():
    data = manifest()
    assert data["version"].startswith("18.0.")
    assert len(data["version"].split(".")) == 5
    assert data["license"] == "LGPL-3"
    assert data["depends"] == ["account"]
