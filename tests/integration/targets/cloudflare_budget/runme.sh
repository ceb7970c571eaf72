#!/usr/bin/env bash
# Several accounts under one credential, in parallel, against the emulator's rate limit scaled down to 40 requests per
# 10 s (Cloudflare: 1200 per 300 s): eight forks, then two ansible-playbook processes at once, while a person spends a
# few requests of the same budget. Every change must land, no answer may be 429, the person is never refused (from the
# emulator's request log). Then the requests a task cannot afford are refused before they are sent.
set -eux
export ANSIBLE_ROLES_PATH=..
config=../../integration_config.yml
emulator_url=$(sed -n 's/^emulator_url: *"\(.*\)"$/\1/p' "$config")
token=$(sed -n 's/^cloudflare_api_token: *"\(.*\)"$/\1/p' "$config")
python=$(command -v python)
work="${OUTPUT_DIR}/budget"
mkdir -p "$work"

# The emulator goes back to its start-up state (no rate limit, one account) whatever happens.
cleanup() {
  touch "$work/stop"
  "$python" files/emulator.py "$emulator_url" reset >/dev/null || true
}
trap cleanup EXIT

"$python" files/emulator.py "$emulator_url" setup "$work/inventory"
args=(-i "$work/inventory" -e @"$config")

"$python" files/person.py "$emulator_url" "$token" "$work/stop" &
person=$!

# Eight accounts, one host each, eight forks.
SECONDS=0
ansible-playbook "${args[@]}" --forks 8 -e budget_round=1 renames.yml
echo "budget: eight forks took ${SECONDS} s"

# Two jobs at once, four accounts each, on a fresh window.
"$python" files/emulator.py "$emulator_url" fresh-window
SECONDS=0
ansible-playbook "${args[@]}" --forks 4 --limit 'accounts[0:3]' -e budget_round=2 renames.yml > "$work/job-a.log" 2>&1 &
job_a=$!
ansible-playbook "${args[@]}" --forks 4 --limit 'accounts[4:7]' -e budget_round=2 renames.yml > "$work/job-b.log" 2>&1 &
job_b=$!
status=0
wait "$job_a" || status=1
wait "$job_b" || status=1
cat "$work/job-a.log" "$work/job-b.log"
echo "budget: two jobs at once took ${SECONDS} s"
[ "$status" -eq 0 ]

touch "$work/stop"
wait "$person"
ansible-playbook "${args[@]}" verify.yml
