#!/usr/bin/env bash
# The reconcile role against the emulator. reconcile.yml: check mode set on the play and on the role's
# tasks, real runs, idempotence and refusals; revoke.yml: reconcile_revoke_sessions; guard.yml: the removal guard;
# hostile_names.yml: names with HTML and links, escaped in drift.md (the module's and the role's); cli_check.yml: --check,
# with credentials from the environment; demo_sample.yml: the drift.md samples of the docs are what the demo writes.
set -eux
export ANSIBLE_ROLES_PATH=..
args=(-i "${INVENTORY_PATH}" -e @../../integration_config.yml -e "reconcile_test_dir=${OUTPUT_DIR}" "$@")
ansible-playbook "${args[@]}" reconcile.yml
ansible-playbook "${args[@]}" revoke.yml
ansible-playbook "${args[@]}" guard.yml
ansible-playbook "${args[@]}" hostile_names.yml
# The artifact of set_stats, as AWX receives it: the summary and the files, never the drift entries.
ANSIBLE_SHOW_CUSTOM_STATS=true ansible-playbook "${args[@]}" --check cli_check.yml | tee "${OUTPUT_DIR}/cli_check.log"
python -c '
import json, sys
lines = [line for line in open(sys.argv[1]) if line.strip().startswith("RUN: ")]
report = json.loads(lines[-1].split("RUN: ", 1)[1])["reconcile_report"]
assert sorted(report) == ["check_mode", "failed", "files", "generated_at", "msg", "summary"], sorted(report)
assert report["check_mode"] is True and report["failed"] is False and report["summary"]["changed_users"] == 6, report
assert report["files"]["json"].endswith("/cli-check/drift.json"), report["files"]
assert report["files"]["markdown"].endswith("/cli-check/drift.md"), report["files"]
' "${OUTPUT_DIR}/cli_check.log"
ansible-playbook "${args[@]}" demo_sample.yml
