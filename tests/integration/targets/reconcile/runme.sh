#!/usr/bin/env bash
# The reconcile role against the emulator. reconcile.yml: check mode set on the play and on the role's
# tasks, real runs, idempotence and refusals; revoke.yml: reconcile_revoke_sessions; cli_check.yml: --check,
# with credentials from the environment; demo_sample.yml: the drift.md samples of the docs are what the demo writes.
set -eux
export ANSIBLE_ROLES_PATH=..
args=(-i "${INVENTORY_PATH}" -e @../../integration_config.yml -e "reconcile_test_dir=${OUTPUT_DIR}" "$@")
ansible-playbook "${args[@]}" reconcile.yml
ansible-playbook "${args[@]}" revoke.yml
ansible-playbook "${args[@]}" --check cli_check.yml
ansible-playbook "${args[@]}" demo_sample.yml
