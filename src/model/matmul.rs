//! Dense matrix kernels for the CPU trainer.
//!
//! One register-blocked kernel, `C += A·B`, serves the forward pass (`X·W`), the input gradient
//! (`Δ·Wᵀ`) and the weight gradient (`Xᵀ·Δ`). The inner loops run over contiguous output columns in
//! fixed-size blocks, so they auto-vectorise (SSE/AVX natively, `simd128` in the browser).
//!
//! Every element of `C` is accumulated in the same order — its initial value, then `k = 0, 1, …` —
//! whichever code path (block or edge) computes it, so the result is bit-exact and independent of
//! the blocking.

/// Rows of `C` per register block.
const MR: usize = 4;
/// Columns of `C` per register block (two 128-bit vectors).
const NR: usize = 8;

/// `C[m×n] += A[m×k] · B[k×n]`, all row-major. Slices longer than needed are allowed.
///
/// # Panics
/// If a slice is shorter than its matrix (an internal sizing bug, never user input).
pub fn matmul_acc(a: &[f32], b: &[f32], c: &mut [f32], m: usize, k: usize, n: usize) {
    let a = &a[..m * k];
    let b = &b[..k * n];
    let c = &mut c[..m * n];
    let full_cols = n - n % NR;
    let mut i = 0;
    while i + MR <= m {
        let mut j = 0;
        while j < full_cols {
            block(a, b, c, i, j, k, n);
            j += NR;
        }
        if full_cols < n {
            edge(a, b, c, i..i + MR, full_cols..n, k, n);
        }
        i += MR;
    }
    if i < m {
        edge(a, b, c, i..m, 0..n, k, n);
    }
}

/// The register block: an `MR × NR` tile of `C` kept in locals across the whole `k` loop.
#[inline(always)]
fn block(a: &[f32], b: &[f32], c: &mut [f32], i: usize, j: usize, k: usize, n: usize) {
    let mut acc = [[0.0f32; NR]; MR];
    for (r, row) in acc.iter_mut().enumerate() {
        row.copy_from_slice(&c[(i + r) * n + j..(i + r) * n + j + NR]);
    }
    let a0 = &a[i * k..(i + 1) * k];
    let a1 = &a[(i + 1) * k..(i + 2) * k];
    let a2 = &a[(i + 2) * k..(i + 3) * k];
    let a3 = &a[(i + 3) * k..(i + 4) * k];
    for p in 0..k {
        let brow = &b[p * n + j..p * n + j + NR];
        let x = [a0[p], a1[p], a2[p], a3[p]];
        for r in 0..MR {
            for q in 0..NR {
                acc[r][q] += x[r] * brow[q];
            }
        }
    }
    for (r, row) in acc.iter().enumerate() {
        c[(i + r) * n + j..(i + r) * n + j + NR].copy_from_slice(row);
    }
}

/// Plain loops for the tiles that do not fill a register block (same accumulation order).
fn edge(
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    rows: std::ops::Range<usize>,
    cols: std::ops::Range<usize>,
    k: usize,
    n: usize,
) {
    for r in rows {
        let arow = &a[r * k..(r + 1) * k];
        let crow = &mut c[r * n + cols.start..r * n + cols.end];
        for (p, &x) in arow.iter().enumerate() {
            let brow = &b[p * n + cols.start..p * n + cols.end];
            for (cv, &bv) in crow.iter_mut().zip(brow) {
                *cv += x * bv;
            }
        }
    }
}

/// `dst[cols×rows] = srcᵀ` for a row-major `src[rows×cols]`.
pub fn transpose(src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
    let src = &src[..rows * cols];
    let dst = &mut dst[..rows * cols];
    for (r, row) in src.chunks_exact(cols).enumerate() {
        for (c, &v) in row.iter().enumerate() {
            dst[c * rows + r] = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn naive(a: &[f32], b: &[f32], c: &mut [f32], m: usize, k: usize, n: usize) {
        for i in 0..m {
            for j in 0..n {
                let mut s = c[i * n + j];
                for p in 0..k {
                    s += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
    }

    #[test]
    fn matches_naive_bit_for_bit_on_ragged_shapes() {
        let mut rng = Rng::new(3);
        for &(m, k, n) in &[
            (1, 1, 1),
            (4, 3, 8),
            (5, 7, 9),
            (13, 17, 31),
            (64, 64, 10),
            (3, 5, 16),
        ] {
            let a: Vec<f32> = (0..m * k).map(|_| rng.normal() as f32).collect();
            let b: Vec<f32> = (0..k * n).map(|_| rng.normal() as f32).collect();
            let c0: Vec<f32> = (0..m * n).map(|_| rng.normal() as f32).collect();
            let mut fast = c0.clone();
            let mut slow = c0;
            matmul_acc(&a, &b, &mut fast, m, k, n);
            naive(&a, &b, &mut slow, m, k, n);
            assert_eq!(fast, slow, "shape {m}x{k}x{n}");
        }
    }

    #[test]
    fn transposes() {
        let src = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut dst = [0.0; 6];
        transpose(&src, 2, 3, &mut dst);
        assert_eq!(dst, [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }
}
