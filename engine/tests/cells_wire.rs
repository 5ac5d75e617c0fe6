//! The cells' wire form (the worker sends the page a file's cells as bytes): a round trip gives
//! the same cells and names; cut or damaged bytes are refused or read as other cells, never a panic.

use hotline_engine::count::aggregate::Cells;
use hotline_engine::partial::Partial;
use hotline_engine::tickets::deadlines::DeadlinePlan;
use hotline_engine::Month;
use hotline_sample::{generate_string, GenConfig};

#[test]
fn cells_round_trip_and_damage_is_refused() {
    let text = generate_string(&GenConfig::new(Month::new(2021, 3), 3000, 7));
    let done = hotline_engine::ingest_bytes(text.as_bytes(), Default::default()).unwrap();
    let cells = Cells::build(&done.store, &DeadlinePlan::default());
    let bytes = cells.to_bytes(&done.store);
    let (names, back) = Cells::from_bytes(&bytes).unwrap();
    assert_eq!(back, cells);
    for (a, b) in [(&names.units, &done.store.units), (&names.channels, &done.store.channels)] {
        assert_eq!(a.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
    }
    assert_eq!(names.has_callback_time, done.store.has_callback_time);
    // The cells of a partial-aggregates file (its name tables hold only what it counts).
    let partial = Partial::from_ingested("march.csv", &done, None).unwrap();
    let (store, from_partial) = partial.to_cells();
    assert_eq!(Cells::from_bytes(&from_partial.to_bytes(&store)).unwrap().1, from_partial);
    // Every cut and many flipped bytes: an error or other cells, never a panic.
    for cut in 0..bytes.len() {
        assert!(Cells::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    for at in (0..bytes.len()).step_by(7) {
        let mut bad = bytes.clone();
        bad[at] ^= 0xA5;
        let _ = Cells::from_bytes(&bad);
    }
}
