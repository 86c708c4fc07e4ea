//! Account sizes and the rent each account locks: fixed by the layouts (and pinned by const
//! assertions in the program), asserted here against the tables of README.md and
//! docs/protocol.md, so that a layout change is a conscious one and the documents stay true.
use bandwidth_tests::*;
use std::path::PathBuf;

fn commas(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[tokio::test]
async fn account_sizes_and_rent() {
    let env = Env::new().await;
    let rent = env.rent().await;
    let sizes = [
        ("Market", Market::SPACE, 354),
        ("Buyer", Buyer::SPACE, 146),
        ("Provider", Provider::SPACE, 321),
        ("ProviderMarket", ProviderMarket::SPACE, 386),
        ("Channel", Channel::SPACE, 261),
        (
            "RewardPool",
            bandwidth_settlement::state::RewardPool::SPACE,
            235,
        ),
        ("Vault", 165, 165),
    ];
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let docs: Vec<(String, String)> = ["README.md", "docs/protocol.md"]
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read_to_string(root.join(f)).unwrap(),
            )
        })
        .collect();
    println!("{:<24} {:>6} {:>14}", "account", "bytes", "rent lamports");
    for (name, size, expected) in sizes {
        let lamports = rent.minimum_balance(size);
        println!("{name:<24} {size:>6} {lamports:>14}");
        assert_eq!(
            size, expected,
            "{name} layout changed: update this test, README.md and docs/protocol.md"
        );
        for (file, text) in &docs {
            let row = text.lines().find(|l| {
                l.starts_with(&format!("| {name} "))
                    && l.contains(&format!("| {size} |"))
                    && l.contains(&commas(lamports))
            });
            assert!(
                row.is_some(),
                "{file}: no table row for {name} with {size} bytes and {} lamports",
                commas(lamports)
            );
        }
    }
}
