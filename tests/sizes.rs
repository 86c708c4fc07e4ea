//! Account sizes and the rent each account locks: fixed by the layouts, asserted here so a
//! layout change is a conscious one (and the README table stays true).
use bandwidth_tests::*;

#[tokio::test]
async fn account_sizes_and_rent() {
    let env = Env::new().await;
    let rent = env.rent().await;
    let sizes = [
        ("Market", Market::SPACE, 258),
        ("Buyer", Buyer::SPACE, 114),
        ("Provider", Provider::SPACE, 257),
        ("ProviderMarket", ProviderMarket::SPACE, 322),
        ("Channel", Channel::SPACE, 245),
        (
            "RewardPool",
            bandwidth_settlement::state::RewardPool::SPACE,
            171,
        ),
        ("Vault (token account)", 165, 165),
    ];
    println!("{:<24} {:>6} {:>14}", "account", "bytes", "rent lamports");
    for (name, size, expected) in sizes {
        println!("{name:<24} {size:>6} {:>14}", rent.minimum_balance(size));
        assert_eq!(
            size, expected,
            "{name} layout changed: update README and this test"
        );
    }
}
