//! A buyer with the SDK alone, against `bwx localnet` (README, "The SDK"):
//!
//! ```sh
//! cargo run -p bandwidth-client --example buyer -- <MARKET> <PROVIDER>
//! ```
//! Deposits 10 tokens, opens a 5-token channel to the provider (its authority) with a fresh
//! session key, signs a cumulative receipt for 2 GiB and prints it: hand it to the provider
//! (`--example provider -- <MARKET> <RECEIPT>`), or send it to its node (`ReceiptSender`).
//! The signer is the Solana CLI's keypair (~/.config/solana/id.json; BWX_URL for another node).
use bandwidth_client::{
    ops::Buyer, receipts::sessions::SessionKeys, Client, ClientError, RpcChain,
};

#[tokio::main]
async fn main() -> Result<(), ClientError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [market, provider] = &args[..] else {
        panic!("usage: buyer <MARKET> <PROVIDER>");
    };
    let (market, provider) = (
        market.parse().expect("an address"),
        provider.parse().expect("an address"),
    );
    let home = std::env::var("HOME").unwrap_or_default();
    let key = solana_keypair::read_keypair_file(format!("{home}/.config/solana/id.json"))
        .expect("a keypair");
    let url = std::env::var("BWX_URL").unwrap_or("http://127.0.0.1:8899".into());
    let client = Client::new(RpcChain::new(&url), key);
    let buyer = Buyer::new(&client, &market).await?;
    let tokens = |text: &str| buyer.market().parse(text);
    buyer.deposit(tokens("10")?, None).await?;
    // The session key is written to disk before the channel exists: nothing signed is lost.
    let sessions = SessionKeys::open(format!("{home}/.config/bwx/sessions"))?;
    let opened = buyer
        .open_channel(&sessions, &provider, tokens("5")?, None)
        .await?;
    println!(
        "channel {} opened: {}",
        opened.channel, opened.landed.signature
    );
    // 2 GiB at the channel's price; never beyond the deposit (the SDK refuses).
    let receipt = buyer
        .sign_receipt(&sessions, &opened.channel, tokens("2")?, 2 << 30)
        .await?;
    println!("receipt: {}", hex::encode(receipt.encode()));
    let free = buyer.escrow_account().await?.free;
    println!("free balance in escrow: {}", buyer.market().ui(free));
    Ok(())
}
