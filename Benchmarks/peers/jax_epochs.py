"""JAX reference implementations of GramFlow's performance problems (issue 12).

The implementation a strong user would write instead of GramFlow: float64, CPU, one
thread, the whole epoch under one `jax.jit`, the time loop a `lax.scan`, gradients by
`jax.grad`. The problem (batch, initial P or S, sizes) is the one `epoch-timer --dump`
wrote, so both tools run the same numbers; the first epoch's loss is printed next to
GramFlow's as a check that they compute the same thing.

    python jax_epochs.py DUMP_DIRECTORY [--epochs E] [--warmup W]

prints `<problem> median_seconds_per_epoch <s> min <s> epochs <E> first_loss <L> median_cpu_seconds_per_epoch <s>`
(the process's CPU time, all threads).

Network (docs/theory.md §1), P = [M U V Z] (N×D), per trial, h_0 = 0:
    a_t = Vᵀφ(h_t)/N,  h_{t+1} = (1−α) h_t + α (M x_t + U a_t),  y_{t+1} = Zᵀψ(h_{t+1})/N,
    L = (dt/B) Σ mask (y − y*)²;  GD step P ← P − ηN ∇_P L.
Theory (docs/theory.md §3–§5), S = PᵀP/N (D×D), basis E = [u, m], c_t = (κ_t, ξ_t):
    κ_t = (1−α) κ_{t−1} + α F(Δ_{t−1}) A c_{t−1},  ξ_t = (1−α) ξ_{t−1} + α x_{t−1},
    Δ_t = c_tᵀ Q c_t,  y_t = F(Δ_t) C c_t,  F = 1 (linear), (1 + πΔ/2)^{−1/2} (erf);
    G = sym(∂L/∂S);  S ← (I − 2ηG) S (I − 2ηG).
"""
import json
import os
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("JAX_ENABLE_X64", "1")
# One thread: XLA's CPU client and Eigen single-threaded (GramFlow is timed on one thread too).
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import numpy as np  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

jax.config.update("jax_enable_x64", True)


def load(directory):
    with open(os.path.join(directory, "meta.json")) as f:
        meta = json.load(f)
    B, T, K, O = meta["trials"], meta["steps"], meta["inputs"], meta["outputs"]
    read = lambda name: np.fromfile(os.path.join(directory, name), dtype="<f8")
    x = read("x.f64").reshape(B, T, K)
    target = read("target.f64").reshape(B, T, O)
    mask = read("mask.f64").reshape(B, T, O)
    initial = read(meta["initial"]).reshape(meta["rows"], meta["cols"])
    return meta, x, target, mask, initial


def phi_of(name):
    if name == "linear":
        return lambda h: h
    if name == "tanh":
        return jnp.tanh
    if name == "erf":
        scale = np.sqrt(np.pi) / 2
        return lambda h: jax.scipy.special.erf(scale * h)
    raise SystemExit(f"unsupported nonlinearity {name}")


def network_epoch(meta, x, target, mask):
    K, R, O = meta["inputs"], meta["rank"], meta["outputs"]
    N, B, alpha, dt, eta = meta["neurons"], meta["trials"], meta["alpha"], meta["dt"], meta["eta"]
    phi = phi_of(meta["nonlinearity"])
    xs = jnp.transpose(jnp.asarray(x), (1, 0, 2))  # T×B×K
    targets = jnp.transpose(jnp.asarray(target), (1, 0, 2))
    masks = jnp.transpose(jnp.asarray(mask), (1, 0, 2))

    def loss(P):
        M, U, V, Z = P[:, :K], P[:, K:K + R], P[:, K + R:K + 2 * R], P[:, K + 2 * R:]

        def step(h, xt):  # h: N×B
            a = V.T @ phi(h) / N                     # R×B
            h = (1 - alpha) * h + alpha * (M @ xt.T + U @ a)
            y = Z.T @ phi(h) / N                     # O×B
            return h, y.T                            # B×O

        _, ys = lax.scan(step, jnp.zeros((N, B)), xs)  # T×B×O
        return dt / B * jnp.sum(masks * (ys - targets) ** 2)

    @jax.jit
    def epoch(P):
        L, g = jax.value_and_grad(loss)(P)
        return P - eta * N * g, L

    return epoch


def theory_epoch(meta, x, target, mask):
    K, R, O = meta["inputs"], meta["rank"], meta["outputs"]
    B, alpha, dt, eta = meta["trials"], meta["alpha"], meta["dt"], meta["eta"]
    D = K + 2 * R + O
    basis = jnp.array(list(range(K, K + R)) + list(range(K)))  # E = [u, m]
    v_rows = jnp.arange(K + R, K + 2 * R)
    z_rows = jnp.arange(K + 2 * R, D)
    if meta["nonlinearity"] == "linear":
        gain = lambda delta: jnp.ones_like(delta)
    elif meta["nonlinearity"] == "erf":
        gain = lambda delta: 1 / jnp.sqrt(1 + jnp.pi * delta / 2)
    else:
        raise SystemExit("theory: linear or erf only (tanh's gain is tabulated in GramFlow)")
    xs = jnp.transpose(jnp.asarray(x), (1, 0, 2))  # T×B×K
    targets = jnp.transpose(jnp.asarray(target), (1, 0, 2))
    masks = jnp.transpose(jnp.asarray(mask), (1, 0, 2))

    def loss(S):
        A = S[v_rows][:, basis]   # R×P
        C = S[z_rows][:, basis]   # O×P
        Q = S[basis][:, basis]    # P×P

        def step(c, xt):  # c: B×P, the state at t−1; returns c_t and y_t
            F = gain(jnp.einsum("bi,ij,bj->b", c, Q, c))
            kappa = (1 - alpha) * c[:, :R] + alpha * F[:, None] * (c @ A.T)
            xi = (1 - alpha) * c[:, R:] + alpha * xt
            c = jnp.concatenate([kappa, xi], axis=1)
            y = gain(jnp.einsum("bi,ij,bj->b", c, Q, c))[:, None] * (c @ C.T)
            return c, y

        _, ys = lax.scan(step, jnp.zeros((B, R + K)), xs)
        return dt / B * jnp.sum(masks * (ys - targets) ** 2)

    @jax.jit
    def epoch(S):
        L, g = jax.value_and_grad(loss)(S)
        G = (g + g.T) / 2
        step = jnp.eye(D) - 2 * eta * G
        S = step @ S @ step
        return (S + S.T) / 2, L

    return epoch


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    directory, epochs, warmup = args[0], 20, 2
    for flag, value in zip(args[1::2], args[2::2]):
        if flag == "--epochs":
            epochs = int(value)
        elif flag == "--warmup":
            warmup = int(value)
        else:
            raise SystemExit(__doc__)
    meta, x, target, mask, initial = load(directory)
    make = theory_epoch if meta["problem"].startswith("theory") else network_epoch
    epoch = make(meta, x, target, mask)
    state = jnp.asarray(initial)
    state, first = epoch(state)          # compiles
    jax.block_until_ready(state)
    for _ in range(warmup):
        state, _ = epoch(state)
    jax.block_until_ready(state)
    seconds, cpu = [], []
    for _ in range(epochs):
        start, start_cpu = time.perf_counter(), time.process_time()
        state, L = epoch(state)
        jax.block_until_ready(state)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    seconds.sort()
    median = float(np.median(seconds))
    print(f"{meta['problem']} median_seconds_per_epoch {median} min {seconds[0]} epochs {epochs} "
          f"first_loss {float(first)!r} median_cpu_seconds_per_epoch {float(np.median(cpu))}")


if __name__ == "__main__":
    main()
