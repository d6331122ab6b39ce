//! A bare Tauri window built from the same crates as the wizard: the baseline
//! for the start-up time and memory measurement (scripts/measure-startup.sh).
//! One static page with one heading, no commands, no state, no plugins.

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!(
            "examples/bare_window/tauri.conf.json"
        ))
        .expect("the bare window could not start");
}
