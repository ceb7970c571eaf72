# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's checks as nox sessions (``nox -l`` lists them; CONTRIBUTING.md tells how to run one).

antsibull-nox.toml configures the Ansible ecosystem's sessions (lint, ansible-lint, docs-check,
license-check, extra-checks). This file adds what those cannot do offline or do not cover: the
ansible-test matrix over the ansible-core minors that meta/runtime.yml's requires_ansible admits,
pinned and installed from the package index (antsibull-nox's own ansible-test sessions fetch
ansible-core from git and run in containers), the emulator-backed tests, the strict Galaxy import,
the execution environment's build context, the docs site and the AWX playbook.

`make test` runs these sessions; run one with ``.venv-nox/bin/nox -e NAME`` after ``make nox``.
Every virtual environment is made by uv from the pins in requirements-*.txt and constraints-dev.txt.
Emulator-backed sessions need CONTRACT_PYTHON (the Makefile sets it to .venv-contract/bin/python).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import nox

import antsibull_nox
from antsibull_nox.ansible import get_supported_core_versions
from antsibull_nox.sessions.collections import prepare_collections

nox.options.default_venv_backend = "uv"
# Bytecode is written by Python when a module is first imported, not compiled by uv for every file installed: a
# session imports a fraction of what it installs (in a new venv, antsibull-changelog lint costs 3 s of CPU this
# way, 18 s with the whole of requirements-dev.txt compiled first). PYTHONDONTWRITEBYTECODE, set on these
# machines, would make every run compile its imports again.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ.pop("UV_COMPILE_BYTECODE", None)
nox.options.error_on_external_run = True

antsibull_nox.load_antsibull_nox_toml()

ROOT = Path(__file__).resolve().parent
CI = ROOT / ".ci"
DEV = ("-r", "requirements-dev.txt", "-c", "constraints-dev.txt")

# The ansible-core minors requires_ansible admits that have been released: each has its pins in
# requirements-core-X.Y.txt. The oldest and the newest get every test; the ones between get the
# credential check and the bad-input target, which depend on ansible-core's argument handling.
CORE_VERSIONS = [
    str(version) for version in get_supported_core_versions()
    if (ROOT / f"requirements-core-{version}.txt").exists()
]
if not CORE_VERSIONS or CORE_VERSIONS[0] != str(get_supported_core_versions()[0]):
    raise SystemExit("noxfile: no requirements-core-X.Y.txt for the oldest ansible-core that requires_ansible admits")
CORE_MIN, CORE_MAX = CORE_VERSIONS[0], CORE_VERSIONS[-1]
# Python versions ansible-test checks the modules with (compile, import), among those this machine has:
# every supported one with the newest ansible-core, the lowest and the controller's with the oldest.
TARGET_PYTHONS = {CORE_MAX: ["3.9", "3.10", "3.11", "3.12", "3.13"], CORE_MIN: ["3.9", "3.12"]}
# With the oldest ansible-core, the sanity tests whose verdict depends on ansible-core: its module loader,
# argument spec and documentation rules, its runtime.yml schema and its import sandbox. The linters that read
# the collection's text with pins of their own (pylint, pep8, yamllint, changelog, the no-* checks ...) say the
# same with any ansible-test: the newest one runs them.
SANITY_CORE_DEPENDENT = ["action-plugin-docs", "ansible-doc", "compile", "import", "runtime-metadata", "validate-modules"]


def _collection_copy(session: nox.Session) -> Path:
    """The collection's files (git's, committed or not) under ansible_collections/cloudflare_ops/zero_trust
    in a temporary directory of the session, as ansible-test and ansible-galaxy need them."""
    prepared = prepare_collections(session, install_in_site_packages=False, install_out_of_tree=True)
    if prepared is None:
        session.error("the collection could not be copied (run without --no-venv)")
    return prepared.current_path


def _find_python(version: str) -> str | None:
    """The path of a real interpreter of `version` on this machine, or None."""
    found = subprocess.run([str(CI / "find-python"), version], capture_output=True, text=True, check=False)
    return found.stdout.strip() if found.returncode == 0 else None


def _target_pythons(session: nox.Session, versions: list[str]) -> dict[str, str]:
    """The path of each of `versions` that this machine has (3.12: this session's Python), looked up once for the
    host options and PATH (PATH can hold interpreters that cannot run, such as pyenv shims of versions that are
    not selected, or a system Python without venv)."""
    found = {}
    for version in versions:
        path = str(Path(session.bin) / "python") if version == "3.12" else _find_python(version)
        if path:
            found[version] = path
        else:
            session.warn(f"Python {version} is not on this machine: ansible-test sanity skips it")
    return found


def _sanity_hosts(targets: dict[str, str]) -> list[str]:
    """ansible-test's host options: the controller is this session's Python (its venv holds only the pinned
    ansible-core and requests; each sanity test brings its own cached venv), and each target Python by its path."""
    args = ["--controller", "origin:python=3.12"]
    for version, path in targets.items():
        args += ["--target-python", f"{version}@{path}"]
    return args


def _path_without_shims(session: nox.Session, last: tuple[str, ...] = ()) -> str:
    """PATH with the session's bin first and no pyenv shims (a shim of a version that is not selected fails), and
    the directories `last` at its end."""
    rest = [entry for entry in os.environ.get("PATH", "").split(os.pathsep) if entry and "/shims" not in entry]
    first = [session.bin, *rest]
    return os.pathsep.join([*first, *[entry for entry in dict.fromkeys(last) if entry not in first]])


def _seed_ansible_test_cache(session: nox.Session) -> None:
    """ansible-test downloads get-pip.py from a host these machines cannot reach: put the offline stand-in
    where it looks first; and make its SSH key once, before ansible-test runs side by side would race to."""
    session.run(str(CI / "seed-ansible-test-cache"), session.virtualenv.location, external=True, silent=True)


def _emulator_env(session: nox.Session) -> dict[str, str]:
    python = str(Path(session.bin) / "python")
    return {"EMULATOR_PYTHON": python, "ANSIBLE_PYTHON_INTERPRETER": python}


def _emulator_command(*command: str) -> list[str]:
    """`command` run while an emulator of its own serves (.ci/with-emulator)."""
    return [str(CI / "with-emulator"), "--", *command]


def _with_emulator(session: nox.Session, *command: str, env: dict[str, str] | None = None, **kwargs) -> None:
    session.run(*_emulator_command(*command), external=True, env={**_emulator_env(session), **(env or {})}, **kwargs)


def _ansible_test_sanity(core: str):
    def session_func(session: nox.Session) -> None:
        session.install("-r", f"requirements-core-{core}.txt")
        _seed_ansible_test_cache(session)
        coll = _collection_copy(session)
        tests = [] if core == CORE_MAX else [arg for test in SANITY_CORE_DEPENDENT for arg in ("--test", test)]
        with session.chdir(coll):
            # One run: every test on the controller's Python, compile and import on each target Python too.
            # ansible-test makes the import test's virtual environments with the first `pythonX.Y` on PATH, whatever
            # path --target-python gives: the target Pythons' directories go last on PATH.
            targets = _target_pythons(session, TARGET_PYTHONS[core])
            session.run("ansible-test", "sanity", "--color", "no", *_sanity_hosts(targets), *tests, *session.posargs,
                        env={"PATH": _path_without_shims(session, tuple(str(Path(p).parent) for p in targets.values()))})

    which = "every test" if core == CORE_MAX else "the tests that depend on ansible-core"
    session_func.__doc__ = (f"ansible-test sanity with ansible-core {core}: {which}, compile and import on"
                            f" Python {', '.join(TARGET_PYTHONS[core])}")
    return session_func


# A full run (every target: `make integration`, `make test`) runs these targets in an ansible-test run of their own,
# beside the others, each run with its own emulator and collection copy: the targets spend about a third of their
# time waiting (retries, budget windows, slow servers), and the two halves cost about the same CPU: make test's
# longest step is about a third shorter.
SECOND_RUN_TARGETS = ("cloudflare_zt_seat", "cloudflare_zt_users", "cloudflare_zt_user_info", "reconcile")


def _with_emulators_side_by_side(session: nox.Session, lanes: list[list[list[str]]]) -> None:
    """Run the lanes side by side, the commands of each one after the other (all of them, as ansible-test's
    --continue-on-error does), each command with an emulator of its own; print each lane's output whole when all
    ended; fail if any command failed."""
    env = {**os.environ, **_emulator_env(session), "VIRTUAL_ENV": session.virtualenv.location,
           "PATH": os.pathsep.join([session.bin, os.environ.get("PATH", "")])}
    logs = [tempfile.TemporaryFile() for _lane in lanes]
    failed: list[str] = []

    def run_lane(commands: list[list[str]], log) -> None:
        for command in commands:
            if subprocess.run(_emulator_command(*command), stdout=log, stderr=subprocess.STDOUT, env=env,
                              check=False).returncode:
                failed.append(" ".join(command))

    threads = [threading.Thread(target=run_lane, args=(lane, log)) for lane, log in zip(lanes, logs)]
    for thread in threads:
        thread.start()
    for thread, log in zip(threads, logs):
        thread.join()
        log.seek(0)
        sys.stdout.flush()
        sys.stdout.buffer.write(log.read())
        sys.stdout.flush()
        log.close()
    if failed:
        session.error("failed: " + "; ".join(failed))


def _ansible_test_integration(core: str):
    def session_func(session: nox.Session) -> None:
        session.install("-r", f"requirements-core-{core}.txt")
        _seed_ansible_test_cache(session)
        coll = _collection_copy(session)

        def secrets(copy: Path) -> list[str]:
            return ["python", str(copy / "tests/secrets/check_secrets.py"), str(copy.parents[2])]

        def integration(copy: Path, *args: str) -> list[str]:
            return [str(CI / "integration"), str(copy), *args]

        if not session.posargs and core in (CORE_MIN, CORE_MAX):
            # Outside the repository, as antsibull-nox's copy: within a git work tree, ansible-test lists the files
            # with git, and .nox/ is ignored there.
            with tempfile.TemporaryDirectory(prefix="cloudflare-ops-integration-") as tmp:
                other = Path(tmp) / "ansible_collections"
                shutil.copytree(coll.parents[1], other, symlinks=True)
                other_coll = other / coll.relative_to(coll.parents[1])
                excluded = [arg for target in SECOND_RUN_TARGETS for arg in ("--exclude", target)]
                _with_emulators_side_by_side(session, [
                    [secrets(other_coll), integration(other_coll, *SECOND_RUN_TARGETS)],
                    [integration(coll, *excluded)],
                ])
            return
        # posargs: the targets to run instead, where `secrets` names the credential check.
        wanted = session.posargs or ["secrets", *([] if core in (CORE_MIN, CORE_MAX) else ["cloudflare_bad_input"])]
        targets = [target for target in wanted if target != "secrets"]
        if "secrets" in wanted:
            # Every module, succeeding and failing, at -vvvv and with --diff: no credential in the output or results.
            _with_emulator(session, *secrets(coll))
        if targets:
            _with_emulator(session, *integration(coll, *targets))

    what = "every target" if core in (CORE_MIN, CORE_MAX) else "the bad-input target"
    session_func.__doc__ = (f"ansible-core {core}: the credential check and ansible-test integration ({what})"
                            " against the emulator; posargs: the targets to run instead (`secrets`: the check)")
    return session_func


for _core in CORE_VERSIONS:
    if _core in (CORE_MIN, CORE_MAX):
        nox.session(name=f"ansible-test-sanity-{_core}", default=False)(_ansible_test_sanity(_core))
    nox.session(name=f"ansible-test-integration-{_core}", default=False)(_ansible_test_integration(_core))


# The pytest ids of the tests to run (`path::name`), one a line, for tests/unit/conftest.py to deselect the others:
# ansible-test units takes only files and directories as targets.
UNITS_SELECTED = "tests/output/units-selected.txt"


def _units_targets(coll: Path, posargs: list[str]) -> list[str]:
    """ansible-test's arguments for `posargs`: each test id `path::name` becomes its file, and the ids are written to
    UNITS_SELECTED in the collection copy (arguments without `::` are passed as they are)."""
    selected = [arg for arg in posargs if "::" in arg]
    if selected:
        (coll / UNITS_SELECTED).parent.mkdir(parents=True, exist_ok=True)
        (coll / UNITS_SELECTED).write_text("".join(test_id + "\n" for test_id in selected), encoding="utf-8")
    return list(dict.fromkeys(arg.split("::", 1)[0] for arg in posargs))


@nox.session(name="ansible-test-units", default=False)
def ansible_test_units(session: nox.Session) -> None:
    """ansible-test units with the newest ansible-core, on Python 3.12; posargs: test files, directories or test ids
    (`tests/unit/plugins/x/test_y.py::test_z`, relative to the collection root) to run instead of all."""
    session.install(*DEV)
    _seed_ansible_test_cache(session)
    coll = _collection_copy(session)
    with session.chdir(coll):
        session.run("ansible-test", "units", "--python", "3.12", "--color", "no", *_units_targets(coll, session.posargs),
                    env={"PATH": _path_without_shims(session)})


@nox.session(name="emulator-tests", default=False)
def emulator_tests(session: nox.Session) -> None:
    """The emulator against the official cloudflare SDK and the OpenAPI slice."""
    session.install(*DEV)
    session.run("python", "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests/emulator", *session.posargs)


@nox.session(name="contract-tests", default=False)
def contract_tests(session: nox.Session) -> None:
    """The contract check: the emulator's log, the validator on right and wrong exchanges."""
    session.install("-r", "tests/contract/requirements.txt", "-c", "tests/contract/constraints.txt")
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/contract", *session.posargs)


@nox.session(default=False)
def molecule(session: nox.Session) -> None:
    """The reconcile role's molecule scenario (converge, idempotence, verify, a check-mode report) on localhost."""
    session.install(*DEV)
    coll = _collection_copy(session)
    with session.chdir(coll):
        # The role's tasks run on localhost with the Python that runs ansible-playbook (see the inventory);
        # molecule keeps its state under ~/.cache/molecule.
        _with_emulator(session, "molecule", "test", "--scenario-name", "reconcile",
                       env={"ANSIBLE_COLLECTIONS_PATH": str(coll.parents[2]), "ANSIBLE_PYTHON_INTERPRETER": None})


def _build(session: nox.Session) -> Path:
    """ansible-galaxy collection build of the collection's files; the tarball's path."""
    coll = _collection_copy(session)
    out = Path(session.create_tmp()).resolve() / "build"
    shutil.rmtree(out, ignore_errors=True)
    with session.chdir(coll):
        session.run("ansible-galaxy", "collection", "build", "--output-path", str(out), silent=True)
    return next(out.glob("cloudflare_ops-zero_trust-*.tar.gz"))


@nox.session(name="build-import-check", default=False)
def build_import_check(session: nox.Session) -> None:
    """Build the tarball, install it, and import it with galaxy-importer (offline): any warning fails.

    antsibull-nox's build-import-check only reports galaxy-importer's ERROR lines; .ci/galaxy-importer also
    fails on warnings and checks the licence, the changelog (from 1.0.0 on) and the contents."""
    session.install(*DEV)
    tarball = _build(session)
    installed = Path(session.create_tmp()).resolve() / "installed"
    session.run("ansible-galaxy", "collection", "install", "--force", str(tarball), "-p", str(installed), silent=True)
    if not (installed / "ansible_collections/cloudflare_ops/zero_trust/plugins/modules/cloudflare_zt_seat.py").is_file():
        session.error("the installed tarball lacks plugins/modules/cloudflare_zt_seat.py")
    version = tarball.name.rsplit("-", 1)[1][: -len(".tar.gz")]
    require_v1 = os.environ.get("GALAXY_REQUIRE_V1") or ("false" if version.startswith("0.") else "true")
    session.run(str(CI / "galaxy-importer"), str(tarball), require_v1, external=True)
    # The tarball that passed, where `make build` writes it (docs/releasing.md publishes it from there).
    (ROOT / "build").mkdir(exist_ok=True)
    shutil.copy2(tarball, ROOT / "build" / tarball.name)


@nox.session(name="ee-check", default=False)
def ee_check(session: nox.Session) -> None:
    """ansible-builder create on the execution environment definitions (docs/execution-environment.yml with
    the built tarball, docs/ee-galaxy/ from Galaxy); no container engine here, so no image: antsibull-nox's
    ee-check builds and runs one."""
    session.install(*DEV)
    tarball = str(_build(session))
    session.run(str(CI / "ansible-builder-create"), tarball, external=True)
    # docs/ee-galaxy/ installs the collection from Galaxy at the version that tarball is.
    session.run(str(CI / "ansible-builder-create-galaxy"), tarball, external=True)


@nox.session(name="bench-smoke", default=False)
def bench_smoke(session: nox.Session) -> None:
    """The benchmark over 200 users with the installed tarball, asserting its request bounds (no timing)."""
    session.install(*DEV)
    installed = Path(session.create_tmp()).resolve() / "installed"
    session.run("ansible-galaxy", "collection", "install", "--force", str(_build(session)), "-p", str(installed),
                silent=True)
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/bench_smoke",
                env={"BENCH_COLLECTIONS_PATH": str(installed), **_emulator_env(session)})


@nox.session(name="changelog-lint", default=False)
def changelog_lint(session: nox.Session) -> None:
    """antsibull-changelog lint of changelogs/ (the fragments and the release data)."""
    session.install(*DEV)
    session.run("antsibull-changelog", "lint")


@nox.session(default=False)
def docsite(session: nox.Session) -> None:
    """The rendered docs site (antsibull-docs + Sphinx): any warning fails, except offline intersphinx."""
    session.install(*DEV)
    coll = _collection_copy(session)
    session.run(str(CI / "docsite"), str(coll), str(Path(session.create_tmp()).resolve() / "docsite"), external=True)


# .ci/awx-collection downloads the `ansible` wheel with pip: a venv with pip in it.
@nox.session(name="awx-lint", default=False, venv_params=["--seed"])
def awx_lint(session: nox.Session) -> None:
    """The AWX-as-code playbook: syntax check and ansible-lint with awx.awx (from the pinned `ansible` wheel)."""
    session.install(*DEV)
    collections = Path(session.virtualenv.location) / "awx-collections"
    session.run(str(CI / "awx-collection"), session.virtualenv.location, str(collections), external=True)
    session.run(str(CI / "awx-lint"), "docs/awx/configure-awx.yml", external=True,
                env={"ANSIBLE_COLLECTIONS_PATH": str(collections)})


# Allow to run the noxfile with `python noxfile.py`.
if __name__ == "__main__":
    nox.main()
