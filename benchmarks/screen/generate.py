#!/usr/bin/env python3
"""A Bulk Data-shaped export for the screening benchmark, from the repository's own test data.

Usage: generate.py COPIES OUT_DIR [--examples-only]

Each copy k of the shared examples (4 MS patients) and the Synthea sample (13 patients) is written with its
patient ids made unique (id + "-k"), as NDJSON files per resource type, split at 16 MB as servers do.
(Fallback for when `msrelapse synth` is not on this branch.)"""
import json, os, sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = os.path.join(os.path.dirname(root), 'shared')
copies, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)

patients = []  # (patient id, [lines])
for name in sorted(os.listdir(os.path.join(shared, 'examples'))):
    if name.endswith('.json'):
        bundle = json.load(open(os.path.join(shared, 'examples', name)))
        resources = [json.dumps(e['resource'], separators=(',', ':')) for e in bundle['entry']]
        pid = next(e['resource']['id'] for e in bundle['entry'] if e['resource']['resourceType'] == 'Patient')
        patients.append((pid, resources))
synthea = os.path.join(shared, 'data', 'synthea-bulk-10')
by_patient = {}
for name in sorted(os.listdir(synthea)):
    if name.endswith('.ndjson'):
        for line in open(os.path.join(synthea, name)):
            r = json.loads(line)
            ref = (r.get('subject') or r.get('patient') or {}).get('reference', '')
            pid = r['id'] if r['resourceType'] == 'Patient' else ref.split('/')[-1].split(':')[-1]
            by_patient.setdefault(pid, []).append(line.strip())
if '--examples-only' not in sys.argv:
    patients += sorted(by_patient.items())

limit = 16 << 20
files = {}
def write(rtype, line):
    f = files.get(rtype)
    if f is None or f[1] >= limit:
        n = 0 if f is None else f[2] + 1
        if f is not None:
            f[0].close()
        f = [open(os.path.join(out, f'{rtype}.{n:03d}.ndjson'), 'w'), 0, n]
        files[rtype] = f
    f[0].write(line + '\n')
    f[1] += len(line) + 1

for k in range(copies):
    for pid, lines in patients:
        new = f'{pid}-{k}'
        for line in lines:
            line = line.replace(pid, new)
            write(json.loads(line)['resourceType'], line)
for f in files.values():
    f[0].close()
