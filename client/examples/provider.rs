//! A provider with the SDK alone, against `bwx localnet` (README, "The SDK"):
//!
//! ```sh
//! cargo run -p bandwidth-client --example provider -- <MARKET>              # register, join
//! cargo run -p bandwidth-client --example provider -- <MARKET> <RECEIPT>    # close with it, get paid
//! ```
//! The signer is the Solana CLI's keypair (~/.config/solana/id.json; BWX_URL for another node).
use bandwidth_client::{
    ops::{provider::check_receipt, Provider},
    receipts::store::ReceiptStore,
    Client, ClientError, RpcChain,
};
use bandwidth_settlement::{instructions::RegisterProviderArgs, receipt::SignedReceipt};

#[tokio::main]
async fn main() -> Result<(), ClientError> {
    let mut args = std::env::args().skip(1);
    let market = args
        .next()
        .expect("usage: provider <MARKET> [RECEIPT]")
        .parse()
        .expect("an address");
    let home = std::env::var("HOME").unwrap_or_default();
    let key = solana_keypair::read_keypair_file(format!("{home}/.config/solana/id.json"))
        .expect("a keypair");
    let url = std::env::var("BWX_URL").unwrap_or("http://127.0.0.1:8899".into());
    let client = Client::new(RpcChain::new(&url), key);
    let provider = Provider::new(&client, &market).await?;
    let Some(receipt) = args.next() else {
        // Register (once) and join the market at 1 token per GiB.
        let terms = RegisterProviderArgs {
            payout: provider.authority()?,
            min_dispute_window_secs: 3_600,
            bounty_bps: 500,
            endpoint: String::new(),
            region: "example".into(),
        };
        let joined = provider.register(terms, provider.market().parse("1")?);
        let (address, landed) = (provider.address()?, joined.await?);
        println!("provider {address} joined: {}", landed.signature);
        return Ok(());
    };
    // A buyer's receipt (hex of message ‖ signature): checked against its channel, kept, then
    // the channel closed with it as the final receipt, and the earnings withdrawn.
    let bytes = hex::decode(receipt.trim()).map_err(|e| ClientError::Invalid(e.to_string()))?;
    let receipt = SignedReceipt::decode(&bytes).map_err(|e| ClientError::Invalid(e.to_string()))?;
    let mut store = ReceiptStore::in_memory()?;
    let check = check_receipt(&client, &receipt, Some(&mut store)).await?;
    println!("receipt valid: {}", check.valid);
    let channel = receipt.receipt.channel;
    let closed = provider.close(Some(&mut store), &channel).await?;
    println!("{channel} closed, paid {:?}", closed.final_amount);
    let moved = provider.withdraw_earnings(None, None).await?;
    let amount = provider.market().ui(moved.amount);
    println!("withdrawn: {amount} to {}", moved.to);
    Ok(())
}
