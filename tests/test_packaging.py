"""The addon's declared metadata matches what the repository installs."""

import ast
import os
import shutil
import subprocess
import sys
import zipfile

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


def _copy_addon(destination):
    """The addon's working tree, without bytecode or build leftovers."""
    shutil.copytree(
        REPO_ROOT / ADDON,
        destination,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "build", "*.egg-info"),
    )
    return destination


def test_wheel_holds_the_addon_and_its_data_files(tmp_path):
    """pyproject.toml (whool) builds odoo-addon-billing_payments with every data file.

    Built from a copy outside git: whool then packs every file of the working
    tree (in a git checkout it packs the tracked ones, and adds a ".N" suffix
    to the version for the commits since the manifest's version changed), so
    the wheel's version is the manifest's. No network: no build isolation
    (whool comes from requirements-test.txt) and no index.
    """
    source = _copy_addon(tmp_path / "src" / ADDON)
    # git must not find a repository for the copy (a checkout holding the
    # temporary directory, or GIT_DIR as set in a git hook), or whool would pack
    # only the files it tracks.
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")
    }
    env["GIT_CEILING_DIRECTORIES"] = str(tmp_path)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--wheel-dir",
            str(tmp_path / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = manifest()
    wheels = list((tmp_path / "dist").glob("*.whl"))
    assert [wheel.name for wheel in wheels] == [
        f"odoo_addon_{ADDON}-{data['version']}-py3-none-any.whl"
    ]
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = set(wheel.namelist())
        dist_info = f"odoo_addon_{ADDON}-{data['version']}.dist-info"
        metadata = wheel.read(f"{dist_info}/METADATA").decode()

    prefix = f"odoo/addons/{ADDON}/"
    expected = {
        "__manifest__.py",
        "__init__.py",
        "README.rst",
        "static/description/icon.png",
        "static/description/index.html",
        *data["data"],
        *data.get("demo", []),
        *(
            str(path.relative_to(REPO_ROOT / ADDON))
            for path in (REPO_ROOT / ADDON).glob("i18n/*.po*")
        ),
    }
    missing = sorted(name for name in expected if prefix + name not in names)
    assert not missing, f"not in the wheel: {missing}"
    assert f"{prefix}security/ir.model.access.csv" in names
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    # whool keeps its build configuration out of the installed addon
    assert f"{prefix}pyproject.toml" not in names
    assert f"Name: odoo-addon-{ADDON}" in metadata.splitlines()
    assert "Requires-Dist: odoo==18.0.*" in metadata.splitlines()
    for python_dependency in data["external_dependencies"]["python"]:
        assert f"Requires-Dist: {python_dependency}" in metadata.splitlines()
