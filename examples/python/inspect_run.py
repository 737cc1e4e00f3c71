"""Load a GramFlow run in Python (NumPy only) and check it independently.

    python3 inspect_run.py RUN_DIR

RUN_DIR is the output of `gramflow simulate ... --save-vectors --out RUN_DIR` (or of
`gramflow validate ... --save-vectors`, whose network run is in RUN_DIR/network/). The
script reads trajectory.csv, run.json, outputs.npz and vectors.npz, then

  1. rebuilds the overlap matrix S = PᵀP/N from the saved vectors and compares it with the
     last row of trajectory.csv;
  2. runs the trained network forward itself, with the equations of docs/theory.md §1,

         h_{t+1} = (1 − α) h_t + α (U Vᵀ φ(h_t)/N + M x_t),   h_0 = 0,   α = dt/τ,
         y_t     = Zᵀ ψ(h_t)/N        (ψ = φ, the identity for a linear network),

     on the trials in outputs.npz, and compares its outputs with GramFlow's network_end;
  3. recomputes the loss L = (dt/B) Σ mask (y − y*)² of those trials.
"""
import csv
import json
import math
import os
import sys

import numpy as np

PHI = {
    "linear": lambda x: x,
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0.0),
    "erf": np.vectorize(lambda x: math.erf(math.sqrt(math.pi) / 2 * x)),
}


def load_run(folder):
    """trajectory (names, rows), run.json, outputs.npz and vectors.npz of a run folder."""
    network = os.path.join(folder, "network")
    runs = network if os.path.isdir(network) else folder
    with open(os.path.join(runs, "trajectory.csv")) as f:
        reader = csv.reader(f)
        names = next(reader)
        rows = np.array([[float(v) for v in row] for row in reader])
    with open(os.path.join(runs, "run.json")) as f:
        manifest = json.load(f)
    with np.load(os.path.join(folder, "outputs.npz")) as f:
        outputs = {name: f[name] for name in f.files}
    with np.load(os.path.join(folder, "vectors.npz")) as f:
        vectors = {name: f[name] for name in "muvz"}
    return names, rows, manifest, outputs, vectors


def overlap_matrix(names, row, vector_names):
    """The symmetric matrix S from a trajectory row (columns a.b, a ≤ b)."""
    index = {v: i for i, v in enumerate(vector_names)}
    S = np.zeros((len(vector_names), len(vector_names)))
    for name, value in zip(names[2:], row[2:]):
        a, b = name.split(".")
        S[index[a], index[b]] = S[index[b], index[a]] = value
    return S


def forward(vectors, inputs, dt, tau, phi):
    """Outputs y[b, t, o] (t = 1..T, stored at t−1) of the network on inputs[b, t, k]."""
    m, u, v, z = (vectors[k] for k in "muvz")
    N = m.shape[0]
    alpha = dt / tau
    B, T, _ = inputs.shape
    y = np.zeros((B, T, z.shape[1]))
    for b in range(B):
        h = np.zeros(N)
        for t in range(T):
            h = (1 - alpha) * h + alpha * (u @ (v.T @ phi(h)) / N + m @ inputs[b, t])
            y[b, t] = z.T @ phi(h) / N
    return y


def main(folder):
    names, rows, manifest, outputs, vectors = load_run(folder)
    model = manifest["parameters"]["model"]
    phi = PHI[model["phi"]]
    K, R, O = model["inputs"], model["rank"], model["outputs"]
    vector_names = ([f"m{k + 1}" for k in range(K)] + [f"u{r + 1}" for r in range(R)]
                    + [f"v{r + 1}" for r in range(R)] + [f"z{o + 1}" for o in range(O)])
    N = vectors["m"].shape[0]
    print(f"{manifest['parameters']['task']}: K = {K}, R = {R}, O = {O}, N = {N}, "
          f"{len(rows) - 1} epochs recorded, loss {rows[0, 1]:.4g} -> {rows[-1, 1]:.4g} ({manifest['status']})")
    print(f"loss-visible overlaps: {', '.join(manifest['visible'])}")

    P = np.hstack([vectors[k] for k in "muvz"])
    S_vectors = P.T @ P / N
    S_last = overlap_matrix(names, rows[-1], vector_names)
    gram_gap = np.abs(S_vectors - S_last).max()
    print(f"max |S(vectors.npz) - S(last row of trajectory.csv)| = {gram_gap:.3g}")

    y = forward(vectors, outputs["inputs"], model["dt"], model["tau"], phi)
    output_gap = np.abs(y - outputs["network_end"]).max()
    print(f"max |y(NumPy forward pass) - network_end| = {output_gap:.3g} over {y.shape[0]} trial(s) of {y.shape[1]} steps")
    loss = model["dt"] / y.shape[0] * np.sum(outputs["mask"] * (y - outputs["targets"]) ** 2)
    print(f"loss of these trials recomputed: {loss:.6g}")
    if "theory_end" in outputs:
        print(f"max |theory_end - network_end| = {np.abs(outputs['theory_end'] - outputs['network_end']).max():.3g}")

    scale = max(1.0, np.abs(S_last).max())
    if gram_gap > 1e-12 * scale or output_gap > 1e-9 * max(1.0, np.abs(y).max()):
        sys.exit("the checks disagree beyond rounding")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
