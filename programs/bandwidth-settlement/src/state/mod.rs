pub mod buyer;
pub mod channel;
pub mod market;
pub mod provider;
pub mod provider_market;
pub mod reward_pool;
pub mod seeds;

pub use buyer::*;
pub use channel::*;
pub use market::*;
pub use provider::*;
pub use provider_market::*;
pub use reward_pool::*;

// Account sizes are part of the protocol: rent, clients that read raw accounts, and the
// reserved room each account keeps for later fields. A change here must be deliberate (and
// the rent table in README.md and docs/protocol.md updated with it).
const _: () = assert!(Market::SPACE == 354);
const _: () = assert!(Buyer::SPACE == 146);
const _: () = assert!(Provider::SPACE == 321);
const _: () = assert!(ProviderMarket::SPACE == 386);
const _: () = assert!(Channel::SPACE == 261);
const _: () = assert!(RewardPool::SPACE == 235);
