// The reduced (overlap-space) dynamics of a rank-1 network with one input, one output and
// φ = erf(√π h/2), its masked squared-error loss and the adjoint gradient, for a whole batch
// (OverlapTheory's ReducedOverlapLoss, docs/theory.md §3–§4): four trials per vector and
// four vectors in flight, each group's trajectory kept in cache from the forward pass to the
// adjoint. Used by OverlapTheory only; tested there against its general loops
// (ReducedLossFastPathTests) and, through them, against networks and finite differences.
#ifndef GRAMFLOW_REDUCED_RANK_ONE_H
#define GRAMFLOW_REDUCED_RANK_ONE_H
#include <stddef.h>

/// The overlaps the reduced dynamics read, in the basis (u, m): A = (σ_vu, σ_vm),
/// C = (σ_zu, σ_zm), Q = [[σ_uu, σ_um], [σ_mu, σ_mm]]; α = dt/τ; the loss weight w of
/// Σ_{b,t} w·mask·(y − target)².
typedef struct {
    double a0, a1, c0, c1, q00, q01, q10, q11;
    double alpha, weight;
} gf_reduced_rank_one;

/// Doubles of scratch `gf_reduced_rank_one_erf` needs for T steps.
size_t gf_reduced_rank_one_scratch(size_t T);

/// For B trials of T steps, arrays in batch order (x at b·T + t, t = 0..T−1; target and mask
/// at b·T + t − 1, t = 1..T): returns the loss; if `outputs` is not NULL writes y_{b,t} there
/// (batch order); if `gradient` is not NULL writes ∂L/∂(σ_vu, σ_vm, σ_zu, σ_zm, σ_uu, σ_um,
/// σ_mu, σ_mm) there (σ_um and σ_mu both get their symmetric half). target and mask may be
/// NULL when neither the loss nor the gradient is wanted (then 0 is returned).
double gf_reduced_rank_one_erf(const gf_reduced_rank_one *p, size_t B, size_t T, const double *x,
                               const double *target, const double *mask, double *scratch,
                               double *outputs, double *gradient);

#endif
