#!/usr/bin/python3
"""Makes the small fixture of reference_test.go: a seeded random session log (25 items with
a sequential structure, 120 training and 30 test sessions, events 60 s apart, sessions 1 h
apart) and the lists that the shared reference.py (anchors/sessions, session-rec's
algorithms) gives for it, rows of score 0 left out. Run from this folder:

    TAILOR_SHARED=/work/shared python3 gen.py
"""
import os
import random
import subprocess

R = random.Random(17)
S = os.environ.get('TAILOR_SHARED', '/work/shared') + '/anchors/sessions'


def session(n):
    it = R.randrange(25)
    out = [it]
    for _ in range(n - 1):
        it = (it + R.choice([1, 1, 2, -1, 5, R.randrange(25)])) % 25
        out.append(it)
    return out


t = 1_600_000_000
for name, count in (('train', 120), ('test', 30)):
    with open(name + '.tsv', 'w') as f:
        for s in range(count):
            sid = s + 1 if name == 'train' else 1000 + s
            for j, it in enumerate(session(R.randint(2, 8))):
                f.write('%d\t%d\t%d\n' % (sid, it + 1, t + 60 * j))
            t += 3600

runs = {
    'sknn': ['k=1000', 'sample_size=40', 'similarity=cosine'],
    'sknn-jaccard': ['k=1000', 'sample_size=40', 'similarity=jaccard'],
    'vsknn': ['k=1000', 'sample_size=40', 'weighting=quadratic', 'weighting_score=div', 'idf_weighting=5'],
    'stan': ['k=7', 'sample_size=40', 'lambda_spw=1.225', 'lambda_snh=0.05', 'lambda_inh=4.9'],
    'vstan': ['k=7', 'sample_size=40', 'lambda_spw=4.9', 'lambda_snh=0.05', 'lambda_inh=4.9', 'lambda_ipw=1.225',
              'lambda_idf=10'],
    'sr': ['steps=5', 'weighting=div'],
    'vsknn-log-linear': ['k=1000', 'sample_size=40', 'weighting=log', 'weighting_score=linear', 'idf_weighting=2'],
    'vsknn-same-quadratic': ['k=1000', 'sample_size=40', 'weighting=same', 'weighting_score=quadratic',
                             'idf_weighting=1'],
    'sr-quadratic': ['steps=3', 'weighting=quadratic'],
}
for name, sets in runs.items():
    algo = name.split('-')[0]
    args = ['/usr/bin/python3', S + '/reference.py', 'train.tsv', 'test.tsv', 'ref_%s.tsv' % name,
            '--algo', algo, '--preset', 'diginetica', '--k', '30', '--timestamp', 'input']
    for kv in sets:
        args += ['--set', kv]
    subprocess.run(args, check=True)
    out = 'ref_%s.tsv' % name
    rows = [l for l in open(out) if float(l.split('\t')[4]) > 0]   # score-0 fill rows carry nothing
    with open(out, 'w') as f:
        f.writelines(rows)
