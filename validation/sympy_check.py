"""Independent SymPy check of `gramflow derive --format sympy` (issue 5, acceptance 4).

For each emitted file, re-derive with SymPy matrices, from the layout alone:
the reduced latent equations and the visible overlaps read off them, G from the
visible g's (G_aa = g_aa, G_ab = g_ab/2), dS = -2 eta (G S + S G), the exact map
(I - 2 eta G) S (I - 2 eta G), the augmented Gram matrix, tr(M^k) and their
chain-rule rates; then compare every emitted expression (expand(a - b) == 0).
Writes the Markdown summary to stdout; exits 1 if any claim fails.

usage: python3 validation/sympy_check.py FILE.py...
"""
import json
import sys
import time
from pathlib import Path

from sympy import Function, Matrix, Rational, Symbol, eye, expand


def vectors_of(K, R, O):
    return ([f"m{k}" for k in range(1, K + 1)] + [f"u{r}" for r in range(1, R + 1)]
            + [f"v{r}" for r in range(1, R + 1)] + [f"z{o}" for o in range(1, O + 1)])


def check(path):
    ns = {}
    exec(Path(path).read_text(), ns)  # our own generated file: declarations and dictionaries
    K, R, O, phi = ns["inputs"], ns["rank"], ns["outputs"], ns["phi"]
    names = vectors_of(K, R, O)
    D = len(names)
    pos = {n: i for i, n in enumerate(names)}
    sigma = lambda a, b: Symbol(f"sigma_{min(a, b, key=pos.get)}_{max(a, b, key=pos.get)}")
    eta, alpha = Symbol("eta"), Symbol("alpha")
    rows = []

    # Reduced dynamics (docs/theory.md §3) and the visible overlaps they contain.
    basis = [f"u{r}" for r in range(1, R + 1)] + [f"m{k}" for k in range(1, K + 1)]
    coord = lambda e, t: Symbol(f"kappa{e[1:]}_{t}" if e[0] == "u" else f"xi{e[1:]}_{t}")
    nonlinear = phi in ("erf", "tanh")
    gain = {t: Function("phiprime_mean")(Symbol(f"Delta_{t}")) if nonlinear else (Rational(1, 2) if phi == "relu" else 1)
            for t in ("t", "tm1")}
    kappa = {r: (1 - alpha) * Symbol(f"kappa{r}_tm1")
             + alpha * gain["tm1"] * sum(sigma(f"v{r}", e) * coord(e, "tm1") for e in basis) for r in range(1, R + 1)}
    xi = {k: (1 - alpha) * Symbol(f"xi{k}_tm1") + alpha * Symbol(f"x{k}_tm1") for k in range(1, K + 1)}
    readout = {o: gain["t"] * sum(sigma(f"z{o}", e) * coord(e, "t") for e in basis) for o in range(1, O + 1)}
    delta = sum(coord(e, "t") * coord(f, "t") * sigma(e, f) for e in basis for f in basis)
    latent_ok = (all(expand(ns["kappa_update"][r] - kappa[r]) == 0 for r in kappa)
                 and all(expand(ns["xi_update"][k] - xi[k]) == 0 for k in xi)
                 and all(expand(ns["readout"][o] - readout[o]) == 0 for o in readout)
                 and (ns["delta"] is None) == (not nonlinear)
                 and (ns["delta"] is None or expand(ns["delta"] - delta) == 0))
    rows.append(("reduced latent equations (kappa, xi, y, Delta) equal the re-derived ones",
                 f"{R + K + O} equations", latent_ok))

    pairs = [(a, b) for i, a in enumerate(names) for b in names[i:]]
    reaching = set()
    for expr in list(kappa.values()) + list(readout.values()) + ([delta] if nonlinear else []):
        reaching |= {s for s in expr.free_symbols if s.name.startswith("sigma_")}
    visible = [f"{a}.{b}" for a, b in pairs if sigma(a, b) in reaching]
    invisible = [f"{a}.{b}" for a, b in pairs if sigma(a, b) not in reaching]
    rows.append(("visible / invisible overlaps equal those in the re-derived dynamics",
                 f"{len(ns['visible'])} / {len(ns['invisible'])}",
                 ns["visible"] == visible and ns["invisible"] == invisible))

    # G and the flow (docs/theory.md §4-§5).
    S = Matrix(D, D, lambda i, j: sigma(names[i], names[j]))
    visible_set = set(visible)
    g = lambda a, b: Symbol(f"g_{min(a, b, key=pos.get)}_{max(a, b, key=pos.get)}")

    def G_entry(i, j):
        a, b = names[min(i, j)], names[max(i, j)]
        if f"{a}.{b}" not in visible_set:
            return 0
        return g(a, b) if i == j else g(a, b) / 2

    G = Matrix(D, D, G_entry)
    dS = -2 * eta * (G * S + S * G)
    flow_ok = sum(expand(ns["flow"][f"{a}.{b}"] - dS[pos[a], pos[b]]) == 0 for a, b in pairs)
    rows.append(("dS/dtau = -2 eta (GS + SG), every overlap", f"{flow_ok}/{len(pairs)} equal", flow_ok == len(pairs)))

    step = eye(D) - 2 * eta * G
    mapped = step * S * step
    map_ok = sum(expand(ns["exact_map"][f"{a}.{b}"] - mapped[pos[a], pos[b]]) == 0 for a, b in pairs)
    rows.append(("S' = (I - 2 eta G) S (I - 2 eta G), every overlap", f"{map_ok}/{len(pairs)} equal", map_ok == len(pairs)))

    gradients = [g(*v.split(".")) for v in visible]
    gram_ok = all(expand(ns["augmented_gram"].get((f"{a}.{b}", str(gs)[2:].replace("_", ".", 1)), 0)
                         - expand(dS[pos[a], pos[b]].diff(gs) / (-eta))) == 0
                  for a, b in pairs for gs in gradients)
    rows.append(("augmented Gram matrix: entry (ab, cd) = -(1/eta) d(dsigma_ab/dtau)/dg_cd",
                 f"{len(pairs)} x {len(gradients)}", gram_ok))

    # Invariants (docs/theory.md §7): M = S_ord J, order [z, v, m, u].
    A = [n for n in names if n[0] == "z"] + [n for n in names if n[0] == "v"]
    B = [n for n in names if n[0] == "m"] + [n for n in names if n[0] == "u"]
    order = A + B
    M = Matrix(D, D, lambda i, j: sigma(order[i], order[j]) * (1 if j < len(A) else -1))
    rates_by_sigma = {sigma(a, b): dS[pos[a], pos[b]] for a, b in pairs}
    power = eye(D)
    traces_ok, rates_ok, conserved = True, True, []
    for k in range(1, len(ns["invariants"]) + 1):
        power = power * M
        trace = expand(power.trace())
        traces_ok &= expand(ns["invariants"][k] - trace) == 0
        rate = expand(sum(trace.diff(s) * v for s, v in rates_by_sigma.items()))
        rates_ok &= expand(ns["invariant_rates"][k] - rate) == 0
        conserved.append(rate == 0)
        rates_ok &= ns["conserved"][k] == (rate == 0)
    rows.append(("tr(M^k), k = 1..4, equal the re-derived polynomials", "4 traces", traces_ok))
    rows.append(("d tr(M^k)/dtau by the chain rule equals the emitted rate and conservation claim",
                 ", ".join("conserved" if c else "not conserved" for c in conserved), rates_ok))
    expected = not nonlinear
    rows.append((f"tr(M^k) conserved exactly iff the gain is constant ({'linear' if expected else phi})",
                 f"{sum(conserved)}/4 conserved", all(c == expected for c in conserved)))
    return f"rank {R}, K = {K}, O = {O}, phi = {phi}", rows


def main(paths, result=None):
    print("# Symbolic derivations: independent SymPy check\n")
    print("Regenerated by `make validate` (validation/run-symbolic.sh): each case's `gramflow derive --format sympy`")
    print("output is executed and every expression compared with a SymPy re-derivation from the layout alone")
    print("(`validation/sympy_check.py`; equal means `expand(emitted - rederived) == 0`).\n")
    print("| case | claim | measured | held |\n| --- | --- | --- | --- |")
    failed = False
    checked = failures = 0
    for path in paths:
        start = time.time()
        case, rows = check(path)
        for n, (claim, measured, held) in enumerate(rows):
            print(f"| {case if n == 0 else ''} | {claim} | {measured} | {'yes' if held else 'NO'} |")
            failed |= not held
            checked += 1
            failures += 0 if held else 1
        print(f"case {case}: {time.time() - start:.1f} s", file=sys.stderr)
    if result:
        # The counts `gramflow claims` reads (validation/symbolic/claims.yaml).
        with open(result, "w") as f:
            json.dump({"claims": checked, "failed": failures}, f, indent=2)
    return 1 if failed else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    result = None
    if args[:1] == ["--json"]:
        result, args = args[1], args[2:]
    sys.exit(main(args, result))
