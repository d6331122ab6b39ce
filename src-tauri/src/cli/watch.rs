//! `test --all`: re-test every saved key and say what changed (`core::retest` decides it all).

use super::exit::Outcome;
use super::load::runtime;
use super::output::{print_json, shown_detail, Style};
use super::store::TestArgs;
use crate::core::apple::VerifyOptions;
use crate::core::problem::Class;
use crate::core::retest::{self, Retest, Trend};
use crate::core::vault::{store_display_name, Vault};

pub fn test_all(a: &TestArgs, style: Style) -> Outcome {
    let vault = Vault::open()?;
    let opts = VerifyOptions {
        api_base: a.api_base.clone(),
        ..VerifyOptions::default()
    };
    let loaded = retest::load_all(&vault)?;
    let answers = if loaded.is_empty() {
        Vec::new()
    } else {
        runtime()?.block_on(retest::ask_all(&loaded, &opts))
    };
    let results = retest::record_all(&vault, loaded, answers);
    let worst = retest::worst(&results);
    if a.json {
        print_json(&serde_json::json!({
            "ok": worst == Class::Usable,
            "worst": worst,
            "store": store_display_name(),
            "keys": results,
        }));
        return Ok(worst);
    }
    if results.is_empty() {
        println!("No keys are saved yet: nothing to test.");
        return Ok(Class::Usable);
    }
    println!(
        "{}",
        style.bold(&format!(
            "Every key saved in the {} ({}):",
            store_display_name(),
            results.len()
        ))
    );
    for r in &results {
        print_one(style, r);
    }
    Ok(worst)
}

fn print_one(style: Style, r: &Retest) {
    let head = format!("{}  {}", r.key_id, r.label);
    let (line, hint) = match (&r.change, &r.apple, &r.problem) {
        (Some(c), Some(v), _) => {
            let text = format!("{head}: {} {}", v.outcome, c.message);
            let shown = match (c.trend, r.class) {
                (Trend::StoppedWorking, _)
                | (_, Class::Refused | Class::NotUsable | Class::Storage) => style.bad(&text),
                (_, Class::Usable) => style.good(&text),
                _ => style.warn(&text),
            };
            (shown, c.hint.clone())
        }
        (_, _, Some(p)) => (
            style.bad(&format!("{head}: {} {}", p.code, p.message)),
            p.hint.clone(),
        ),
        _ => (style.warn(&head), String::new()),
    };
    println!("{line}");
    if !hint.is_empty() {
        println!("    {} {hint}", style.dim("What to do:"));
    }
    // An answer recorded badly still has its own problem to tell (a key replaced mid-test has
    // no change, and its problem is the line above).
    if let (Some(_), Some(p)) = (&r.change, &r.problem) {
        println!(
            "    {}",
            style.warn(&format!("The result could not be recorded: {}", p.message))
        );
    }
    if let Some(detail) = shown_detail(r.apple.as_ref().and_then(|v| v.detail.as_deref())) {
        println!("    {} {detail}", style.dim("Details:"));
    }
}
