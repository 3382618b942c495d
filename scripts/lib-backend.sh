# Helpers to run the backend in the background for checks and browser tests.
# shellcheck shell=bash

# wait_for_url URL SECONDS: polls until URL answers 2xx.
wait_for_url() {
  local url=$1 seconds=$2 i
  for ((i = 0; i < seconds * 2; i++)); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "timed out after ${seconds}s waiting for $url" >&2
  return 1
}

# stop_tree PID: stops a background job and everything it started.
stop_tree() {
  local pid=$1 child
  for child in $(pgrep -P "$pid" 2>/dev/null); do stop_tree "$child"; done
  kill "$pid" 2>/dev/null || true
}
