#!/usr/bin/env bash
# Several accounts under one credential, in parallel, against the emulator's rate limit scaled down to 40 requests per
# 10 s (Cloudflare: 1200 per 300 s): eight forks, then two ansible-playbook processes at once, while a person spends a
# few requests of the same budget. Every change must land, no answer may be 429, the person is never refused, and the
# tasks' requests stay within the quota less the reserve in every window (from the emulator's request log): the tasks
# share one rate-limit ledger on this host (here a private directory of the run), with a CPU burner beside the second
# round. Then the requests a task cannot afford are refused before they are sent.
set -eux
export ANSIBLE_ROLES_PATH=..
config=../../integration_config.yml
emulator_url=$(sed -n 's/^emulator_url: *"\(.*\)"$/\1/p' "$config")
token=$(sed -n 's/^cloudflare_api_token: *"\(.*\)"$/\1/p' "$config")
python=$(command -v python)
work="${OUTPUT_DIR}/budget"
mkdir -p "$work"
export CLOUDFLARE_OPS_RATE_LIMIT_LEDGER="${work}/ledger"

# The emulator goes back to its start-up state (no rate limit, one account) whatever happens.
burner=
cleanup() {
  touch "$work/stop"
  [ -z "$burner" ] || kill "$burner" 2>/dev/null || true
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

# Two jobs at once, four accounts each, on a fresh window, beside a process that keeps a CPU busy.
"$python" files/emulator.py "$emulator_url" fresh-window
"$python" -c 'while True: pass' &
burner=$!
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
kill "$burner"
burner=
[ "$status" -eq 0 ]

touch "$work/stop"
wait "$person"
ansible-playbook "${args[@]}" verify.yml
