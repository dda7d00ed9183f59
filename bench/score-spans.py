#!/usr/bin/env python3
"""Scores `docqa search --batch --json` output on a SQuAD-style eval set by the rule of eval/README.md
(a hit: a passage from the gold `doc` whose span overlaps [start, end), or that contains a gold answer).
usage: score-spans.py QUESTIONS.jsonl RESULTS.jsonl  (issue 11 measurements; not a test)"""
import json, sys
qs = {str(q['id']): q for q in map(json.loads, open(sys.argv[1], encoding='utf-8')) if q}
n = h1 = h5 = h10 = 0; mrr = 0.0
for line in open(sys.argv[2], encoding='utf-8'):
    r = json.loads(line); q = qs[str(r['id'])]; n += 1
    first = None
    for i, x in enumerate(r['results'][:10]):
        if x['path'] != q['doc']: continue
        if (x['start'] < q['end'] and x['end'] > q['start']) or any(a in x['text'] for a in q['answers']):
            first = i; break
    if first is None: continue
    h1 += first < 1; h5 += first < 5; h10 += 1; mrr += 1 / (first + 1)
print(json.dumps({'questions': n, 'hit@1': round(h1 / n, 3), 'hit@5': round(h5 / n, 3), 'hit@10': round(h10 / n, 3), 'mrr@10': round(mrr / n, 3)}))
