#!/usr/bin/env python3
# Independent fit of the class-transformation uplift scorer on the Hillstrom e-mail experiment
# (Womens E-Mail against No E-Mail, outcome visit), the source of the expected numbers in
# abtest/uplift_scorer_test.go. It uses SciPy's optimiser (not tailor) on the same objective that
# abtest.FitUpliftScorer documents, and scikit-uplift's qini_auc_score as transcribed in
# sklift_metrics.py:
#
#   python3 abtest/testdata/hillstrom_scorer.py ../shared/data/hillstrom/hillstrom.csv
#
# Split: of the Womens E-Mail and No E-Mail customers, those on an even 0-based row of the file
# train, the others are scored. Features: recency, history, mens, womens, newbie, channel Phone
# and Web, zip_code Urban and Surburban (Multichannel and Rural are the baselines), standardised
# by the training mean and standard deviation (ddof=0). Z = T Y + (1-T)(1-Y), weights n/(2 n_t) and
# n/(2 n_c), objective sum w [log(1+e^eta) - z eta] + L2 sum beta_j^2 (L2 = 1, intercept free),
# uplift = 2 sigmoid(eta) - 1. The Qini coefficient of the held-out half and of a random score
# are printed.
import os
import sys

import numpy as np
import pandas as pd
from scipy import optimize

sys.path.insert(0, os.path.dirname(__file__))
from sklift_metrics import qini_auc_score, uplift_at_k  # noqa: E402

df = pd.read_csv(sys.argv[1])
df["row"] = np.arange(len(df))
df = df[df["segment"].isin(["Womens E-Mail", "No E-Mail"])]


def features(d):
    return np.column_stack([d.recency, d.history, d.mens, d.womens, d.newbie,
                            d.channel == "Phone", d.channel == "Web",
                            d.zip_code == "Urban", d.zip_code == "Surburban"]).astype(float)


train, test = df[df.row % 2 == 0], df[df.row % 2 == 1]
X, Xt = features(train), features(test)
mu, sd = X.mean(0), X.std(0)
Xs, Xts = (X - mu) / sd, (Xt - mu) / sd
T = (train.segment == "Womens E-Mail").to_numpy(float)
Y = train.visit.to_numpy(float)
Z = T * Y + (1 - T) * (1 - Y)
n, nt = len(T), T.sum()
w = np.where(T == 1, n / (2 * nt), n / (2 * (n - nt)))
A = np.column_stack([np.ones(n), Xs])
L2 = 1.0


def f(b):
    eta = A @ b
    return np.sum(w * (np.logaddexp(0, eta) - Z * eta)) + L2 * np.sum(b[1:] ** 2)


def g(b):
    p = 1 / (1 + np.exp(-(A @ b)))
    r = A.T @ (w * (p - Z))
    r[1:] += 2 * L2 * b[1:]
    return r


def h(b):
    p = 1 / (1 + np.exp(-(A @ b)))
    H = A.T @ (A * (w * p * (1 - p))[:, None])
    H[1:, 1:] += 2 * L2 * np.eye(A.shape[1] - 1)
    return H


res = optimize.minimize(f, np.zeros(A.shape[1]), jac=g, hess=h, method="trust-exact",
                        options={"gtol": 1e-5})
b = res.x
print("# n_train %d (treated %d), n_test %d, optimiser: %s; objective %.17g, max |gradient| %.3g" % (n, nt, len(Xt), res.message, res.fun, np.abs(g(b)).max()))
print("coef", " ".join("%.12g" % v for v in b))
score = 2 / (1 + np.exp(-(b[0] + Xts @ b[1:]))) - 1
Tt = (test.segment == "Womens E-Mail").to_numpy(int)
Yt = test.visit.to_numpy(float)
print("qini_auc_score(test) %.12g" % qini_auc_score(Yt, score, Tt))
print("uplift_at_k(test, overall, 0.3) %.12g" % uplift_at_k(Yt, score, Tt, "overall", 0.3))
print("overall uplift(test) %.12g" % (Yt[Tt == 1].mean() - Yt[Tt == 0].mean()))
rng = np.random.default_rng(1)
print("qini_auc_score(test, random score) %.12g" % qini_auc_score(Yt, rng.random(len(Yt)), Tt))
print("score[0:3] (first test customers)", " ".join("%.12g" % v for v in score[:3]))
