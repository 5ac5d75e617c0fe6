//! The Web Worker binary: Trunk builds it beside the page (index.html, `data-type="worker"`).
fn main() {
    hotline_web::worker::run_worker();
}
