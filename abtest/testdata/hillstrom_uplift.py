#!/usr/bin/env python3
# Independent readout of the Hillstrom e-mail experiment with pandas and SciPy, the source of the
# expected numbers in abtest/hillstrom_test.go (hillstromCases). It does not use tailor.
#
#   python3 abtest/testdata/hillstrom_uplift.py ../shared/data/hillstrom/hillstrom.csv
#
# For each arm (Mens E-Mail, Womens E-Mail) against the control No E-Mail, each segment (everyone,
# then by history_segment, recency bucket, channel, zip_code, newbie) and each outcome (visit,
# conversion, spend) it prints a Go table line: n and mean of each arm, uplift = mean_treated -
# mean_control and the two-sided 95% Welch t interval (sample variances with ddof=1,
# Welch-Satterthwaite degrees of freedom, t quantile from scipy.stats.t.ppf). The p-value of
# scipy.stats.ttest_ind(equal_var=False) is printed beside it as a check that the interval and the
# test agree.
import sys

import numpy as np
import pandas as pd
from scipy import stats

df = pd.read_csv(sys.argv[1])
df["recency_bucket"] = pd.cut(df["recency"], [0, 3, 6, 9, 12],
                              labels=["1-3", "4-6", "7-9", "10-12"]).astype(str)
CONTROL = "No E-Mail"
ARMS = ["Mens E-Mail", "Womens E-Mail"]
OUTCOMES = ["visit", "conversion", "spend"]
BY = [None, "history_segment", "recency_bucket", "channel", "zip_code", "newbie"]


def welch(t, c):
    nt, nc = len(t), len(c)
    mt, mc = t.mean(), c.mean()
    vt, vc = t.var(ddof=1), c.var(ddof=1)
    se2 = vt / nt + vc / nc
    dof = se2 ** 2 / ((vt / nt) ** 2 / (nt - 1) + (vc / nc) ** 2 / (nc - 1))
    q = stats.t.ppf(0.975, dof)
    d = mt - mc
    p = stats.ttest_ind(t, c, equal_var=False).pvalue
    return nt, nc, mt, mc, d, d - q * np.sqrt(se2), d + q * np.sqrt(se2), p


print("// by, segment, arm, outcome, n_treated, n_control, mean_treated, mean_control, uplift, lower, upper // scipy p")
for arm in ARMS:
    for by in BY:
        if by is None:
            groups = [("all", df)]
        else:
            keys = sorted(df[by].astype(str).unique(), key=lambda s: (len(s), s) if by == "recency_bucket" else s)
            groups = [(k, df[df[by].astype(str) == k]) for k in keys]
        for seg, g in groups:
            for o in OUTCOMES:
                t = g.loc[g["segment"] == arm, o].to_numpy(float)
                c = g.loc[g["segment"] == CONTROL, o].to_numpy(float)
                r = welch(t, c)
                print('{%q, %q, %q, %q, %d, %d, %.17g, %.17g, %.17g, %.17g, %.17g}, // p=%.6g'.replace("%q", '"%s"')
                      % ((by or "", seg, arm, o) + r))
