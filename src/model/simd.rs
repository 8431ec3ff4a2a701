//! Wider vectors for the CPU trainer's hot loops where the processor has them.
//!
//! The loops are written so that the compiler vectorises them for the build's baseline: SSE2
//! natively, `simd128` in the browser. On x86-64 processors with AVX2, [`avx2_or_baseline!`]
//! compiles a loop a second time for 256-bit vectors and picks that copy at run time. Neither copy
//! uses fused multiply-add, so both give the same bits.

#[cfg(test)]
thread_local! {
    static BASELINE_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with the AVX2 copies switched off on this thread, so that tests can compare the two
/// copies of every loop on a processor that has AVX2.
#[cfg(test)]
pub(crate) fn baseline_only<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            BASELINE_ONLY.with(|b| b.set(self.0));
        }
    }
    let _restore = Restore(BASELINE_ONLY.with(|b| b.replace(true)));
    f()
}

/// Whether the processor has AVX2 (never off x86-64). The answer is cached by the standard library.
#[inline]
pub fn has_avx2() -> bool {
    #[cfg(test)]
    if BASELINE_ONLY.with(std::cell::Cell::get) {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Defines `fn $name(args)` (no return value, no generics) whose body runs compiled for AVX2 when
/// [`has_avx2`], and for the baseline otherwise.
macro_rules! avx2_or_baseline {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) {
            #[inline(always)]
            fn body($($arg: $ty),*) $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                unsafe fn avx2($($arg: $ty),*) {
                    body($($arg),*)
                }
                if $crate::model::simd::has_avx2() {
                    // SAFETY: the processor has AVX2, checked just above.
                    unsafe { avx2($($arg),*) };
                    return;
                }
            }
            body($($arg),*)
        }
    };
}
pub(crate) use avx2_or_baseline;
