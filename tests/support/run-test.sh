#!/usr/bin/env bash
# CTest runs every test through this wrapper (hostdeck_add_test, the Python registrations):
#   run-test.sh PROGRAM [ARGS...]
# A test that passed but skipped something exits 77, which CTest (SKIP_RETURN_CODE 77) lists as
# "Skipped" / "Not Run" instead of "Passed". A failure stays a failure: a run that failed is never
# turned into a skip (CTest's SKIP_REGULAR_EXPRESSION alone would do exactly that). Skips
# recognised: Qt Test's "SKIP   :" lines and Python unittest's "OK (skipped=N)" summary.
set -uo pipefail
log=$(mktemp "${TMPDIR:-/tmp}/hostdeck-test.XXXXXX")
trap 'rm -f "$log"' EXIT
"$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  [ "$rc" -eq 77 ] && rc=1 # a program's own 77 is a failure here, not a skip
  exit "$rc"
fi
if grep -Eq '^SKIP   : |^OK \(.*skipped=[0-9]+' "$log"; then
  echo "run-test.sh: passed with skips: reported to CTest as skipped (exit 77)"
  exit 77
fi
exit 0
