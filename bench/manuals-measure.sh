#!/usr/bin/env bash
# manuals-dev over its one mixed library (all of docs/), scored per kind by score_manuals.py
# (not a test; issue 11: no loss on en/zh kinds, zh2en gain).
#   bench/manuals-measure.sh [WORKDIR] [extra docqa search flags, e.g. --no-cross-lingual]
set -euo pipefail
cd "$(dirname "$0")/.."
SET=${MANUALS_SET:-/work/shared/eval/manuals-dev}
WORK=${1:-/tmp/docqa-manuals}
shift || true
mkdir -p "$WORK"
docqa() { DOCQA_FROM_SOURCE=1 node bin/docqa.js "$@"; }
[ -s "$WORK/lib.sqlite" ] || docqa ingest "$SET/docs" --db "$WORK/lib.sqlite" --json >/dev/null
docqa search --batch "$SET/questions.jsonl" --db "$WORK/lib.sqlite" --k 10 --json "$@" >"$WORK/r.jsonl"
python3 "$(dirname "$SET")/score_manuals.py" "$SET/questions.jsonl" "$WORK/r.jsonl"
