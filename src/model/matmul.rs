//! Dense matrix kernels for the CPU trainer.
//!
//! One register-blocked kernel, `C += A·B`, serves the forward pass (`X·W`), the input gradient
//! (`Δ·Wᵀ`) and the weight gradient (`Xᵀ·Δ`). The inner loops run over contiguous output columns in
//! fixed-size blocks, so they auto-vectorise: `simd128` in the browser, SSE natively, and AVX2 with
//! wider blocks where the processor has it (detected at run time). Tiles at the right and bottom
//! edges that do not fill a block run through the same block code on zero-padded copies of their
//! rows and columns, of which only the real part is written back.
//!
//! Every element of `C` is accumulated in the same order — its initial value, then `k = 0, 1, …` —
//! with separate multiplications and additions (no fused multiply-add), whichever block size or
//! instruction set computes it, so the result is bit-exact and the same on every platform.

/// Rows of `C` per register block.
const MR: usize = 4;
/// Columns of `C` per register block: two 128-bit vectors (SSE, `simd128`).
const NR: usize = 8;
/// Columns of `C` per register block with AVX2: two 256-bit vectors.
#[cfg(target_arch = "x86_64")]
const NR_AVX2: usize = 16;

/// `C[m×n] += A[m×k] · B[k×n]`, all row-major. Slices longer than needed are allowed.
///
/// # Panics
/// If a slice is shorter than its matrix (an internal sizing bug, never user input).
pub fn matmul_acc(a: &[f32], b: &[f32], c: &mut [f32], m: usize, k: usize, n: usize) {
    #[cfg(target_arch = "x86_64")]
    if super::simd::has_avx2() {
        // SAFETY: the processor has AVX2, checked just above.
        unsafe { matmul_avx2(a, b, c, m, k, n) };
        return;
    }
    matmul_blocked::<NR>(a, b, c, m, k, n);
}

/// [`matmul_acc`] compiled for AVX2 (256-bit vectors; still no fused multiply-add).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn matmul_avx2(a: &[f32], b: &[f32], c: &mut [f32], m: usize, k: usize, n: usize) {
    matmul_blocked::<NR_AVX2>(a, b, c, m, k, n);
}

/// The blocked product with `MR × W` register blocks.
#[inline(always)]
fn matmul_blocked<const W: usize>(
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    m: usize,
    k: usize,
    n: usize,
) {
    let a = &a[..m * k];
    let b = &b[..k * n];
    let c = &mut c[..m * n];
    let full_rows = m - m % MR;
    let full_cols = n - n % W;
    // The columns right of the last full block, zero-padded to a block (`k × W`), and the rows
    // below the last full block, zero-padded to a block (`MR × k`).
    let edge_b = (full_cols < n).then(|| {
        let mut packed = vec![0.0f32; k * W];
        for (p, row) in packed.chunks_exact_mut(W).enumerate() {
            row[..n - full_cols].copy_from_slice(&b[p * n + full_cols..(p + 1) * n]);
        }
        packed
    });
    let edge_a = (full_rows < m).then(|| {
        let mut packed = vec![0.0f32; MR * k];
        packed[..(m - full_rows) * k].copy_from_slice(&a[full_rows * k..]);
        packed
    });
    let mut i = 0;
    while i < m {
        let rows = MR.min(m - i);
        let a_rows = match &edge_a {
            Some(packed) if rows < MR => &packed[..],
            _ => &a[i * k..(i + MR) * k],
        };
        let mut j = 0;
        while j < n {
            let cols = W.min(n - j);
            let (b_cols, stride, offset) = match &edge_b {
                Some(packed) if cols < W => (&packed[..], W, 0),
                _ => (b, n, j),
            };
            if rows == MR && cols == W {
                // A full block: fixed-size loads and stores, so the tile stays in registers.
                let tile = load::<W>(c, i * n + j, n);
                let tile = block::<W>(a_rows, k, b_cols, stride, offset, tile);
                store::<W>(c, i * n + j, n, &tile);
            } else {
                let mut tile = [[0.0f32; W]; MR];
                for (r, row) in tile.iter_mut().enumerate().take(rows) {
                    row[..cols].copy_from_slice(&c[(i + r) * n + j..(i + r) * n + j + cols]);
                }
                let tile = block::<W>(a_rows, k, b_cols, stride, offset, tile);
                for (r, row) in tile.iter().enumerate().take(rows) {
                    c[(i + r) * n + j..(i + r) * n + j + cols].copy_from_slice(&row[..cols]);
                }
            }
            j += W;
        }
        i += MR;
    }
}

/// The `MR × W` tile of `C` whose top-left element is `c[at]` (rows `n` apart).
#[inline(always)]
fn load<const W: usize>(c: &[f32], at: usize, n: usize) -> [[f32; W]; MR] {
    let mut tile = [[0.0f32; W]; MR];
    for (r, row) in tile.iter_mut().enumerate() {
        row.copy_from_slice(&c[at + r * n..at + r * n + W]);
    }
    tile
}

/// Writes `tile` back where [`load`] read it.
#[inline(always)]
fn store<const W: usize>(c: &mut [f32], at: usize, n: usize, tile: &[[f32; W]; MR]) {
    for (r, row) in tile.iter().enumerate() {
        c[at + r * n..at + r * n + W].copy_from_slice(row);
    }
}

/// The register block: returns `tile + A[MR×k] · B[k × W]`, where row `r` of A is
/// `a[r·k..(r+1)·k]` and row `p` of B's block is `b[p·stride + offset..][..W]`.
#[inline(always)]
fn block<const W: usize>(
    a: &[f32],
    k: usize,
    b: &[f32],
    stride: usize,
    offset: usize,
    mut tile: [[f32; W]; MR],
) -> [[f32; W]; MR] {
    let a0 = &a[..k];
    let a1 = &a[k..2 * k];
    let a2 = &a[2 * k..3 * k];
    let a3 = &a[3 * k..4 * k];
    for p in 0..k {
        let brow = &b[p * stride + offset..p * stride + offset + W];
        let x = [a0[p], a1[p], a2[p], a3[p]];
        for r in 0..MR {
            for q in 0..W {
                tile[r][q] += x[r] * brow[q];
            }
        }
    }
    tile
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
            (7, 33, 17),
            (4, 1, 40),
            (2, 9, 3),
            (33, 70, 47),
        ] {
            let a: Vec<f32> = (0..m * k).map(|_| rng.normal() as f32).collect();
            let b: Vec<f32> = (0..k * n).map(|_| rng.normal() as f32).collect();
            let c0: Vec<f32> = (0..m * n).map(|_| rng.normal() as f32).collect();
            let mut fast = c0.clone();
            let mut narrow = c0.clone();
            let mut slow = c0;
            matmul_acc(&a, &b, &mut fast, m, k, n);
            naive(&a, &b, &mut slow, m, k, n);
            assert_eq!(fast, slow, "shape {m}x{k}x{n}");
            // Both instruction paths agree bit for bit as well.
            matmul_blocked::<NR>(&a, &b, &mut narrow, m, k, n);
            assert_eq!(narrow, slow, "shape {m}x{k}x{n}, {NR}-column blocks");
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
