#!/usr/bin/env bash
# Measures cross-lingual retrieval on ../shared/eval/manuals-xling-dev (not a test).
# One library per language folder, as the set's README says: zh2en and none questions
# against docs/en, en2zh questions against docs/zh; scored by ../shared/eval/score_manuals.py.
#   bench/xling-measure.sh [WORKDIR] [extra docqa search flags, e.g. --no-cross-lingual or --mode bm25]
# The libraries are kept in WORKDIR and reused (ingest skips unchanged files).
set -euo pipefail
cd "$(dirname "$0")/.."
SET=${XLING_SET:-/work/shared/eval/manuals-xling-dev}
WORK=${1:-/tmp/docqa-xling}
shift || true
mkdir -p "$WORK"
docqa() { DOCQA_FROM_SOURCE=1 node bin/docqa.js "$@"; }
for lib in en zh; do
  [ -s "$WORK/$lib.sqlite" ] || docqa ingest "$SET/docs/$lib" --db "$WORK/$lib.sqlite" --json >/dev/null
  python3 -c "
import json,sys
for l in open('$SET/questions.jsonl', encoding='utf-8'):
    q=json.loads(l)
    if q['library']=='$lib': print(l.strip())" >"$WORK/q-$lib.jsonl"
  docqa search --batch "$WORK/q-$lib.jsonl" --db "$WORK/$lib.sqlite" --k 10 --json "$@" >"$WORK/r-$lib.jsonl"
done
cat "$WORK/q-en.jsonl" "$WORK/q-zh.jsonl" >"$WORK/q.jsonl"
cat "$WORK/r-en.jsonl" "$WORK/r-zh.jsonl" >"$WORK/r.jsonl"
python3 "$(dirname "$SET")/score_manuals.py" "$WORK/q.jsonl" "$WORK/r.jsonl"
