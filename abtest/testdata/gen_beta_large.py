#!/usr/bin/python3
"""Reference values for the Beta posteriors at large counts (beta_large_test.go), computed in
mpmath at 40 digits and independent of tailor's code:

  * densities from mpmath's log-gamma: (a-1) ln x + (b-1) ln(1-x) - ln B(a, b), exact at 40
    digits for any shape (float64 would cancel terms of order (a+b) ln(a+b));
  * P(X > Y) = int f_X(x) F_Y(x) dx and P(i best) = int f_i(x) prod_j F_j(x) dx by composite
    20-point Gauss-Legendre rules on half-standard-deviation panels over 16 sd (60 sd for a
    shape below 1e4), over the narrower arm, with each F_j
    accumulated over the sorted nodes by the same rule (validated against Evan Miller's exact
    sum: 0.9017441696136447895 vs 0.90174416961364487711 for 1260/10000 vs 1200/10000);
  * credible bounds: the closed form 1 - (1-u)^(1/b) for Beta(1, b), otherwise findroot on
    the accumulated CDF (mpmath.betainc's series does not converge at b ~ 1e17).

Run: /usr/bin/python3 gen_beta_large.py   (about a minute)
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
GX, GW = np.polynomial.legendre.leggauss(20)
GX = [mp.mpf(float(v)) for v in GX]
GW = [mp.mpf(float(v)) for v in GW]
R = 16


class Arm:
    def __init__(self, a, b):
        a, b = mp.mpf(a), mp.mpf(b)
        self.a, self.b = a, b
        n = a + b
        self.m = a / n
        self.s = mp.sqrt(a * b / (n * n * (n + 1)))
        self.lnB = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(n)
        # 16 sd hold all but 1e-50 of a near-normal posterior; a small shape is a skewed,
        # gamma-like density whose upper tail needs 60 sd.
        r = R if min(a, b) > 10**4 else 60
        self.lo = max(mp.mpf(0), self.m - r * self.s)
        self.hi = min(mp.mpf(1), self.m + r * self.s)

    def pdf(self, x):
        if x <= 0 or x >= 1:
            return mp.mpf(0)
        return mp.exp((self.a - 1) * mp.log(x) + (self.b - 1) * mp.log1p(-x) - self.lnB)


def panels(lo, hi, width):
    k = max(1, int(mp.ceil((hi - lo) / width)))
    h = (hi - lo) / k
    return [(lo + i * h, lo + (i + 1) * h) for i in range(k)]


def gl(f, lo, hi):
    c, h = (lo + hi) / 2, (hi - lo) / 2
    return h * mp.fsum(w * f(c + h * x) for x, w in zip(GX, GW))


def nodes_of(arm):
    out = []
    for lo, hi in panels(arm.lo, arm.hi, arm.s / 2):
        c, h = (lo + hi) / 2, (hi - lo) / 2
        out += [(c + h * x, h * w) for x, w in zip(GX, GW)]
    return out


def cdf_at(arm, xs):
    """F at increasing points xs, accumulated panel by panel."""
    F, prev, out = mp.mpf(0), arm.lo, []
    for x in xs:
        if x <= arm.lo:
            out.append(mp.mpf(0))
            continue
        if x >= arm.hi:
            out.append(mp.mpf(1))
            continue
        for lo, hi in panels(prev, x, arm.s / 2):
            F += gl(arm.pdf, lo, hi)
        prev = x
        out.append(F)
    return out


def prob_best(shapes):
    arms = [Arm(a, b) for a, b in shapes]
    res = []
    for i, ai in enumerate(arms):
        nodes = nodes_of(ai)
        xs = [x for x, _ in nodes]
        prod = [ai.pdf(x) * w for x, w in nodes]
        for j, aj in enumerate(arms):
            if j != i:
                prod = [p * F for p, F in zip(prod, cdf_at(aj, xs))]
        res.append(mp.fsum(prod))
    return res


def prob_greater(aX, bX, aY, bY):
    """The integral runs over the narrower arm, whose panels resolve the other's CDF."""
    if Arm(aX, bX).s <= Arm(aY, bY).s:
        return prob_best([(aX, bX), (aY, bY)])[0]
    return 1 - prob_best([(aY, bY), (aX, bX)])[0]


def evan_miller(aX, bX, aY, bY):
    tot = mp.mpf(0)
    for i in range(int(aX)):
        tot += mp.exp(mp.log(mp.beta(aY + i, bY + bX)) - mp.log(bX + i) - mp.log(mp.beta(1 + i, bX)) - mp.log(mp.beta(aY, bY)))
    return tot


def quantile(a, b, u):
    a, b, u = mp.mpf(a), mp.mpf(b), mp.mpf(u)
    if a == 1:
        return 1 - (1 - u) ** (1 / b)
    arm = Arm(a, b)
    f = lambda x: cdf_at(arm, [x])[0] - u
    return mp.findroot(f, (arm.lo + arm.s / 1000, arm.hi), solver="illinois", tol=mp.mpf(10) ** -30, maxsteps=500)


def g(x):
    return mp.nstr(x, 20, min_fixed=-mp.inf, max_fixed=mp.inf) if x != 0 else "0"


if __name__ == "__main__":
    print("// ProbBBeatsA, uniform prior: {xa, na, xb, nb, want}")
    for n in [10**6, 10**8, 10**9, 10**10, 10**12]:
        xa, xb = n // 10, n // 10 + n // 10000
        print("\t{%d, %d, %d, %d, %s}," % (xa, n, xb, n, g(prob_greater(1 + xb, 1 + n - xb, 1 + xa, 1 + n - xa))))
    # a large control against a small treatment (the integral runs over the narrow arm)
    print("\t{%d, %d, %d, %d, %s}," % (10**11, 10**12, 1010, 10**4, g(prob_greater(1 + 1010, 1 + 10**4 - 1010, 1 + 10**11, 1 + 9 * 10**11))))
    # the closed form with huge failure counts
    print("\t{%d, %d, %d, %d, %s}," % (3, 10**12, 5, 10**12, g(evan_miller(6, 10**12 - 4, 4, 10**12 - 2))))
    print("// ProbBBeatsA, Jeffreys prior: {xa, na, xb, nb, want}")
    n = 10**9
    print("\t{%d, %d, %d, %d, %s}," % (n // 10, n, n // 10 + n // 20000, n, g(prob_greater(0.5 + n // 10 + n // 20000, 0.5 + n - n // 10 - n // 20000, 0.5 + n // 10, 0.5 + n - n // 10))))
    print("\t{%d, %d, %d, %d, %s}," % (5, 10**12, 7, 10**12, g(prob_greater(7.5, 0.5 + 10**12 - 7, 5.5, 0.5 + 10**12 - 5))))
    print("// ProbBest, uniform prior, n = 1e9 per arm: successes, want")
    n = 10**9
    xs = [n // 10, n // 10 + n // 50000, n // 10 + n // 25000]
    pb = prob_best([(1 + x, 1 + n - x) for x in xs])
    print("\t", xs, [g(v) for v in pb])
    print("// PosteriorInterval at level 0.95, uniform prior: {x, n, lower, upper}")
    for n in [10**12, 10**14, 10**16, 2**53, 10**17, 10**18, 2**62]:
        print("\t{0, %d, %s, %s}," % (n, g(quantile(1, n + 1, 0.025)), g(quantile(1, n + 1, 0.975))))
    for x, n in [(5, 10**17), (5, 2**62)]:
        print("\t{%d, %d, %s, %s}," % (x, n, g(quantile(x + 1, n - x + 1, 0.025)), g(quantile(x + 1, n - x + 1, 0.975))))
    for x, n in [(10**11, 10**12)]:
        print("\t{%d, %d, %s, %s}," % (x, n, g(quantile(x + 1, n - x + 1, 0.025)), g(quantile(x + 1, n - x + 1, 0.975))))
    print("// regIncBeta at small shapes against mpmath.betainc: {a, b, x, want}")
    for a, b, x in [(0.5, 1e12, 2.9e-12), (5, 1e12, 9.4e-12), (5.5, 1e17, 1.1e-16), (100, 1e12, 1.5e-10),
                    (100, 1e6, 1.5e-4), (7.5, 1e12, 2.0e-11), (1000, 30, 0.975), (0.5, 30, 0.05)]:
        v = mp.betainc(mp.mpf(a), mp.mpf(b), 0, mp.mpf(x), regularized=True)
        print("\t{%r, %r, %r, %s}," % (a, b, x, g(v)))
    print("// ProbBBeatsA, Jeffreys prior, a shape below 1 (density infinite at 0): {xa, na, xb, nb, want}")
    for xa, na, xb, nb in [(0, 1000, 1, 1000), (0, 10**6, 2, 10**6)]:
        aA, bA, aB, bB = [mp.mpf(v) for v in (0.5 + xa, 0.5 + na - xa, 0.5 + xb, 0.5 + nb - xb)]
        # tanh-sinh quadrature (mpmath's default) copes with the x^-1/2 end; F_A by betainc.
        lnB = mp.loggamma(aB) + mp.loggamma(bB) - mp.loggamma(aB + bB)
        fB = lambda x: mp.exp((aB - 1) * mp.log(x) + (bB - 1) * mp.log1p(-x) - lnB)
        FA = lambda x: mp.betainc(aA, bA, 0, x, regularized=True)
        top = 200 / mp.mpf(nb)
        v = mp.quad(lambda x: fB(x) * FA(x), mp.linspace(0, top, 41))
        print("\t{%d, %d, %d, %d, %s}," % (xa, na, xb, nb, g(v)))
