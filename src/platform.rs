//! Platform edge: the only module that distinguishes the browser (wasm32) from native targets.

/// Milliseconds from an arbitrary, monotonic origin (`performance.now()` in the browser).
pub fn now_ms() -> f64 {
    imp::now_ms()
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use wasm_bindgen::JsCast;

    pub fn now_ms() -> f64 {
        // Works in windows and in workers alike: both globals have `performance`.
        let global = js_sys::global();
        js_sys::Reflect::get(&global, &"performance".into())
            .ok()
            .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
            .map(|p| p.now())
            .unwrap_or_else(js_sys::Date::now)
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use std::sync::OnceLock;
    use std::time::Instant;

    static ORIGIN: OnceLock<Instant> = OnceLock::new();

    pub fn now_ms() -> f64 {
        ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
    }
}

/// Runs a future to completion on the current thread (native only; the browser has its own loop).
#[cfg(not(target_arch = "wasm32"))]
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    pollster::block_on(future)
}

static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Installs a panic hook that keeps the panic's message and location (for [`last_panic`]) and
/// then runs the hook that was installed before (in the browser, the one that writes it to the
/// console). In the browser a panic aborts the call it happened in, and the page only sees an
/// "unreachable" trap: this is how it can say what went wrong instead.
pub fn record_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(panic_text(info));
        }
        previous(info);
    }));
}

/// A panic's message and place, e.g. `index out of bounds … at src/search/run.rs:120`.
pub fn panic_text(info: &std::panic::PanicHookInfo<'_>) -> String {
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into());
    let place = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    format!("{message}{place}")
}

/// The message and location of the latest panic since [`record_panics`] (`None` when there was
/// none).
pub fn last_panic() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|l| l.clone())
}

/// What the browser says about its WebGPU adapter (`GPUAdapter.info`): wgpu's web backend only
/// forwards the (often empty) description, so the page asks for vendor and architecture itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrowserAdapterInfo {
    /// e.g. "google", "nvidia"
    pub vendor: String,
    /// e.g. "swiftshader", "ampere"
    pub architecture: String,
    /// Free-form description; frequently empty.
    pub description: String,
}

/// Reads `navigator.gpu.requestAdapter().info` (browser only; `None` elsewhere or without WebGPU).
#[cfg(target_arch = "wasm32")]
pub async fn browser_adapter_info() -> Option<BrowserAdapterInfo> {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let get = |obj: &JsValue, key: &str| Reflect::get(obj, &JsValue::from_str(key)).ok();
    let navigator = get(&js_sys::global(), "navigator")?;
    let gpu = get(&navigator, "gpu").filter(|g| !g.is_undefined() && !g.is_null())?;
    let request: Function = get(&gpu, "requestAdapter")?.dyn_into().ok()?;
    let promise: Promise = request.call0(&gpu).ok()?.dyn_into().ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let info = get(&adapter, "info").filter(|i| !i.is_undefined() && !i.is_null())?;
    let text = |key: &str| {
        get(&info, key)
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    Some(BrowserAdapterInfo {
        vendor: text("vendor"),
        architecture: text("architecture"),
        description: text("description"),
    })
}

/// Native builds have no browser adapter.
#[cfg(not(target_arch = "wasm32"))]
pub async fn browser_adapter_info() -> Option<BrowserAdapterInfo> {
    None
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #[test]
    fn a_panic_is_kept_with_its_place() {
        super::record_panics();
        let caught = std::panic::catch_unwind(|| panic!("the engine met {} candidates", 3));
        assert!(caught.is_err());
        let last = super::last_panic().unwrap_or_default();
        assert!(
            last.starts_with("the engine met 3 candidates at "),
            "{last}"
        );
        assert!(last.contains("platform.rs"), "{last}");
    }
}
