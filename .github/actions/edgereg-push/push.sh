#!/usr/bin/env bash
# The edgereg-push action's work, kept in a script so it runs (and is tested) outside GitHub too. action.yml passes
# the inputs as INPUT_* and the registry as EDGEREG_URL / EDGEREG_TOKEN; outputs go to $GITHUB_OUTPUT.
set -euo pipefail

run_url="${GITHUB_SERVER_URL:-}/${GITHUB_REPOSITORY:-}/actions/runs/${GITHUB_RUN_ID:-}"
read -r -a paths <<< "$INPUT_PATHS"
args=(push "$INPUT_MODEL" "${paths[@]}" --version "$INPUT_VERSION")
if [ -n "${GITHUB_RUN_ID:-}" ]; then args+=(--run-id "$GITHUB_RUN_ID" --source "$run_url" --tag ci=github); fi
if [ -n "${INPUT_METRICS:-}" ]; then args+=(--metrics "$INPUT_METRICS"); fi
if [ -n "${INPUT_SIGNATURE:-}" ]; then args+=(--signature "$INPUT_SIGNATURE"); fi
if [ -n "${INPUT_DESCRIPTION:-}" ]; then args+=(--description "$INPUT_DESCRIPTION"); fi

# Progress and notes go to the log (stderr); the JSON report is kept for the outputs. A re-run resumes the push.
report="$(mktemp)"
edgereg "${args[@]}" --json > "$report"
number="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).version.number)' "$report")"
echo "pushed $INPUT_MODEL $INPUT_VERSION as version $number"

if [ -n "${INPUT_PROMOTE_TO:-}" ]; then
  reason="${INPUT_REASON:-}"
  if [ -z "$reason" ]; then reason="pushed by ${GITHUB_WORKFLOW:-CI} run ${GITHUB_RUN_ID:-local}"; fi
  edgereg promote "$INPUT_MODEL" "$INPUT_VERSION" --to "$INPUT_PROMOTE_TO" --reason "$reason"
fi

{
  echo "number=$number"
  echo "reference=models:/$INPUT_MODEL/$INPUT_VERSION"
} >> "${GITHUB_OUTPUT:-/dev/null}"
