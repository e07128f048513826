//! civic-server: the REST backend (its own issue).
fn main() {
    eprintln!("civic-server is not built yet; see the README");
    std::process::exit(2);
}
