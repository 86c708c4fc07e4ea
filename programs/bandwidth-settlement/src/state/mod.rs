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
