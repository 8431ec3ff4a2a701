//! The crate-level error, for the platform edges (wasm-bindgen and the CLI). Each module has its
//! own error type; this enum only wraps them so an edge can turn any of them into a message.

use std::fmt;

/// Any error the engine reports to a user.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// GPU context or kernel failure.
    Gpu(crate::gpu::GpuError),
    /// Invalid candidate spec.
    Spec(crate::model::SpecError),
    /// Training failure.
    Train(crate::model::trainer::TrainError),
    /// Baseline failure.
    Baseline(crate::baselines::BaselineError),
    /// Data reading, profiling or preparation failure.
    Data(crate::data::DataError),
    /// Invalid user input at an edge (arguments, JSON).
    Input(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Gpu(e) => write!(f, "{e}"),
            Error::Spec(e) => write!(f, "{e}"),
            Error::Train(e) => write!(f, "{e}"),
            Error::Baseline(e) => write!(f, "{e}"),
            Error::Data(e) => write!(f, "{e}"),
            Error::Input(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for Error {}

macro_rules! from_error {
    ($($variant:ident($ty:ty)),*) => {$(
        impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                Error::$variant(e)
            }
        }
    )*};
}

from_error!(
    Gpu(crate::gpu::GpuError),
    Spec(crate::model::SpecError),
    Train(crate::model::trainer::TrainError),
    Baseline(crate::baselines::BaselineError),
    Data(crate::data::DataError)
);
