// The inner loops of a rank-1, one-input, one-output low-rank network's BPTT
// (NetworkSimulation.TrialPass), fused over a block of neurons and compiled for AVX2+FMA
// where the processor has it. Rows of P are (m_i, u_i, v_i, z_i), stride 4; φ is chosen by
// `kind`: 0 linear, 1 tanh, 2 erf(s·h) with φ' = exp(−π h²/4) (s = √π/2). φ is the one of
// VectorMath.h (the same four-lane functions), so these give the bits gf_tanh / gf_erf_scaled give.
// Tests: NetworkSimulationTests.LatentBackpropagationTests (against the stored-state BPTT, 1e-12).
#ifndef GRAMFLOW_RANK_ONE_PASS_H
#define GRAMFLOW_RANK_ONE_PASS_H
#include <stddef.h>

/// One step of the forward pass of G trials over n neurons: for trial b with c_b = c[2b..2b+1],
/// h_i = m_i c_b0 + u_i c_b1, φ_i = φ(h_i) (into phi[b·stride + i] if phi is given), φ'_i
/// (into slope[b·stride + i] if given, erf only), and into sums[4b..4b+3]
///   (Σ v_i φ_i, Σ z_i φ_i), and if gram: (Σ u_i v_i φ'_i, Σ u_i z_i φ'_i),
/// each summed in four lanes (neuron i in lane i mod 4) added as (s0 + s1) + (s2 + s3).
/// The first two sums do not depend on `gram`, phi or slope. lanes: G×16 doubles of workspace.
void gf_rank1_forward(const double *rows, size_t n, size_t G, const double *c, int kind, double s,
                      double *phi, double *slope, size_t stride, int gram, double *sums, double *lanes);

/// The backward pass of one trial over n neurons, t = T..1, each neuron's δ and gradient
/// row in registers across the steps:
///   δ_t = φ'(h_t) (v k_{t,0} + z k_{t,1}) + keep δ_{t+1}   (δ_{T+1} = 0)
///   grad_i += Σ_t (δ_t w_{t,0}, δ_t w_{t,1}, φ(h_t) k_{t,0}, φ(h_t) k_{t,1})
/// with c_t = latent[2t..2t+1] (h_t = m c0 + u c1), α w_{t−1} = w[2(t−1)..], k_t = k[2(t−1)..].
/// φ(h_t) is read from phi[t·stride + i] if phi is given (else recomputed), φ'(h_t) from
/// slope[t·stride + i] if given (erf; tanh' = 1 − φ², linear 1).
void gf_rank1_backward(const double *rows, double *grad, size_t n, size_t T, const double *latent,
                       const double *w, const double *k, double keep, int kind, double s,
                       const double *phi, const double *slope, size_t stride);

#endif
