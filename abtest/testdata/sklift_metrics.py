#!/usr/bin/env python3
# scikit-uplift's metric definitions (sklift/metrics/metrics.py: uplift_curve, perfect_uplift_curve,
# uplift_auc_score, qini_curve, perfect_qini_curve, qini_auc_score, uplift_at_k,
# response_rate_by_percentile, uplift_by_percentile, weighted_average_uplift) written out again in
# numpy from their documented definitions, because scikit-uplift is not installed here. It first
# checks itself against the values of scikit-uplift's own test suite (sklift/tests/test_metrics.py),
# then prints the expected values of the small cases in abtest/qini_test.go:
#
#   python3 abtest/testdata/sklift_metrics.py
#
# It does not use tailor.
import numpy as np


def order(score):
    # np.argsort(uplift, kind="mergesort")[::-1]: descending, ties in reverse input order.
    return np.argsort(score, kind="mergesort")[::-1]


def _cum(y, s, t):
    o = order(s)
    y, s, t = y[o], s[o], t[o]
    yc, yt = y.copy(), y.copy()
    yc[t == 1] = 0
    yt[t == 0] = 0
    thr = np.r_[np.where(np.diff(s))[0], s.size - 1]
    nt = np.cumsum(t)[thr].astype(float)
    n = (thr + 1).astype(float)
    return n, nt, np.cumsum(yt)[thr], n - nt, np.cumsum(yc)[thr]


def _start(n, v):
    if n.size == 0 or v[0] != 0 or n[0] != 0:
        n, v = np.r_[0, n], np.r_[0, v]
    return n, v


def uplift_curve(y, s, t):
    n, nt, yt, nc, yc = _cum(*map(np.asarray, (y, s, t)))
    a = np.divide(yt, nt, out=np.zeros_like(yt, dtype=float), where=nt != 0)
    b = np.divide(yc, nc, out=np.zeros_like(yc, dtype=float), where=nc != 0)
    return _start(n, (a - b) * n)


def qini_curve(y, s, t):
    n, nt, yt, nc, yc = _cum(*map(np.asarray, (y, s, t)))
    return _start(n, yt - yc * np.divide(nt, nc, out=np.zeros_like(nt), where=nc != 0))


def perfect_uplift_curve(y, t):
    y, t = np.asarray(y), np.asarray(t)
    cr = np.sum((y == 1) & (t == 0))
    tn = np.sum((y == 0) & (t == 1))
    summand = y if cr > tn else t
    return uplift_curve(y, 2 * (y == t) + summand, t)


def perfect_qini_curve(y, t, negative_effect=True):
    y, t = np.asarray(y, float), np.asarray(t)
    if negative_effect:
        return qini_curve(y, y * t - y * (1 - t), t)
    r = y[t == 1].sum() - len(y[t == 1]) * y[t == 0].sum() / len(y[t == 0])
    return np.array([0, r, len(y)], float), np.array([0, r, r], float)


def auc(x, y):
    return np.trapz(y, x)


def _norm(actual, perfect):
    xb, yb = np.array([0, perfect[0][-1]]), np.array([0, perfect[1][-1]])
    base = auc(xb, yb)
    return (auc(*actual) - base) / (auc(*perfect) - base)


def uplift_auc_score(y, s, t):
    return _norm(uplift_curve(y, s, t), perfect_uplift_curve(y, t))


def qini_auc_score(y, s, t, negative_effect=True):
    return _norm(qini_curve(y, s, t), perfect_qini_curve(y, t, negative_effect))


def uplift_at_k(y, s, t, strategy, k):
    y, s, t = map(np.asarray, (y, s, t))
    o = order(s)
    if strategy == "overall":
        m = int(len(y) * k) if isinstance(k, float) else k
        yy, tt = y[o][:m], t[o][:m]
        return yy[tt == 1].mean() - yy[tt == 0].mean()
    nc = int((t == 0).sum() * k) if isinstance(k, float) else k
    nt = int((t == 1).sum() * k) if isinstance(k, float) else k
    return y[o][t[o] == 1][:nt].mean() - y[o][t[o] == 0][:nc].mean()


def response_rate_by_percentile(y, s, t, group, strategy="overall", bins=10):
    y, s, t = map(np.asarray, (y, s, t))
    o = order(s)
    flag = 1 if group == "treatment" else 0
    if strategy == "overall":
        yb, tb = np.array_split(y[o], bins), np.array_split(t[o], bins)
        size = np.array([len(a[b == flag]) for a, b in zip(yb, tb)])
        rate = np.array([np.mean(a[b == flag]) if len(a[b == flag]) else np.nan for a, b in zip(yb, tb)])
    else:
        yb = np.array_split(y[o][t[o] == flag], bins)
        size = np.array([len(a) for a in yb])
        rate = np.array([np.mean(a) if len(a) else np.nan for a in yb])
    return rate, rate * (1 - rate) / size, size


def uplift_by_percentile(y, s, t, strategy="overall", bins=10):
    rt, vt, nt = response_rate_by_percentile(y, s, t, "treatment", strategy, bins)
    rc, vc, nc = response_rate_by_percentile(y, s, t, "control", strategy, bins)
    pct = [round(p * 100 / bins) for p in range(1, bins + 1)]
    labels = [f"0-{pct[0]}"] + [f"{pct[i]}-{pct[i + 1]}" for i in range(len(pct) - 1)]
    return labels, nt, nc, rt, rc, rt - rc, np.sqrt(vt), np.sqrt(vc), np.sqrt(vt + vc)


def weighted_average_uplift(y, s, t, strategy="overall", bins=10):
    rt, _, nt = response_rate_by_percentile(y, s, t, "treatment", strategy, bins)
    rc, _, _ = response_rate_by_percentile(y, s, t, "control", strategy, bins)
    return np.dot(nt, rt - rc) / np.sum(nt)


def main():
    # --- self-check against scikit-uplift's test suite (sklift/tests/test_metrics.py) ---
    # make_predictions(binary=True): y_val = [0, 1, 0], treat_val = [0, 1, 1] and a SoloModel whose
    # predictions tie (its curves have only the end point), so any constant score reproduces them.
    yv, tv, tie = np.array([0, 1, 0]), np.array([0, 1, 1]), np.array([0.5, 0.5, 0.5])
    assert np.allclose(uplift_curve(yv, tie, tv), [[0, 3], [0, 1.5]])
    assert np.allclose(perfect_uplift_curve(yv, tv), [[0, 1, 2, 3], [0, 1, 2, 1.5]])
    assert np.allclose(qini_curve(yv, tie, tv), [[0, 3], [0, 1]])
    assert np.allclose(perfect_qini_curve(yv, tv, True), [[0, 1, 3], [0, 1, 1]])
    assert np.allclose(perfect_qini_curve(yv, tv, False), [[0, 1, 3], [0, 1, 1]])
    assert uplift_at_k(yv, tie, tv, "by_group", 1) == 0
    for y, s, t, q, u in [([1, 1], [0.1, 0.3], [0, 1], 1, 1), ([1, 1], [0.1, 0.3], [1, 0], 0, -1),
                          ([0, 1], [0.1, 0.3], [1, 0], 1, 0), ([1, 0], [0.1, 0.3], [0, 1], 1, 1),
                          ([0, 1, 2], [0.1, 0.3, 0.9], [0, 1, 0], -0.5, -1.333333),
                          ([0, 1, 2], [0.1, 0.3, 0.9], [1, 0, 1], 0.75, 1.333333)]:
        assert abs(qini_auc_score(np.array(y, float), s, t) - q) < 1e-6, (y, s, t)
        assert abs(uplift_auc_score(np.array(y, float), s, t) - u) < 1e-6, (y, s, t)
    assert np.isclose(weighted_average_uplift(yv, tie, tv, "overall", 1), 0.5)
    print("# scikit-uplift test-suite values reproduced")

    # --- the cases of abtest/qini_test.go ---
    CASES = {
        # eight units, distinct scores, worked by hand in qini_test.go
        "hand8": ([1, 0, 1, 1, 0, 0, 0, 1], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2], [1, 0, 1, 0, 1, 0, 1, 0]),
        # ties in the scores and a sleeping dog (treated non-responder ranked first)
        "ties10": ([0, 1, 1, 0, 1, 0, 0, 1, 1, 0], [3, 3, 2, 2, 2, 1, 1, 1, 0, 0], [1, 1, 0, 1, 1, 0, 1, 0, 1, 0]),
    }
    for name, (y, s, t) in CASES.items():
        y, s, t = np.array(y, float), np.array(s, float), np.array(t)
        print(f"## {name}")
        print("qini_curve", qini_curve(y, s, t))
        print("perfect_qini_curve(neg=True)", perfect_qini_curve(y, t, True))
        print("perfect_qini_curve(neg=False)", perfect_qini_curve(y, t, False))
        print("qini_auc_score(neg=True) %.17g" % qini_auc_score(y, s, t, True))
        print("qini_auc_score(neg=False) %.17g" % qini_auc_score(y, s, t, False))
        print("uplift_curve", uplift_curve(y, s, t))
        print("perfect_uplift_curve", perfect_uplift_curve(y, t))
        print("uplift_auc_score %.17g" % uplift_auc_score(y, s, t))
        for k in (0.3, 0.5, 0.75):
            for st in ("overall", "by_group"):
                print(f"uplift_at_k({st}, {k}) %.17g" % uplift_at_k(y, s, t, st, k))
        for st in ("overall", "by_group"):
            print(f"uplift_by_percentile({st}, bins=3)", uplift_by_percentile(y, s, t, st, 3))
            print(f"weighted_average_uplift({st}, bins=3) %.17g" % weighted_average_uplift(y, s, t, st, 3))


if __name__ == "__main__":
    main()
