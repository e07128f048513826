//! The crate's own uniffi-bindgen, so generation uses exactly the uniffi version the
//! library was built with: `cargo run -p civic-ffi --bin uniffi-bindgen -- generate …`
//! (see `scripts/bindings`).

fn main() {
    uniffi::uniffi_bindgen_main()
}
