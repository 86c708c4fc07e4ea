//! Per-channel session keys. A buyer signs each channel's receipts with a fresh key made for
//! that channel alone, so a leaked key exposes one channel's deposit and a receipt can never be
//! valid for another channel even without the channel address in the message. A key file is
//! bound to its channel address for ever; the file is written before the channel is opened, so
//! a crash between the two never leaves a channel without its key.
use crate::errors::ClientError;
use anchor_lang::prelude::Pubkey;
use solana_keypair::Keypair;
use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

pub struct SessionKeys {
    dir: PathBuf,
}

impl SessionKeys {
    pub fn open(dir: impl AsRef<Path>) -> Result<SessionKeys, ClientError> {
        fs::create_dir_all(dir.as_ref())?;
        Ok(SessionKeys {
            dir: dir.as_ref().to_path_buf(),
        })
    }

    fn path(&self, channel: &Pubkey) -> PathBuf {
        self.dir.join(format!("{channel}.json"))
    }

    /// The key of `channel`, creating it if the channel has none yet. The same channel
    /// address always gets the same key; no key ever serves two channels.
    pub fn for_channel(&self, channel: &Pubkey) -> Result<Keypair, ClientError> {
        if let Ok(key) = self.load(channel) {
            return Ok(key);
        }
        let key = Keypair::new();
        write_keypair(&self.path(channel), &key)?;
        Ok(key)
    }

    pub fn load(&self, channel: &Pubkey) -> Result<Keypair, ClientError> {
        read_keypair(&self.path(channel))
    }
}

/// Reads a keypair file in the Solana CLI format (a JSON array of 64 bytes).
pub fn read_keypair(path: &Path) -> Result<Keypair, ClientError> {
    let text = fs::read_to_string(path).map_err(|e| {
        ClientError::Invalid(format!("cannot read keypair {}: {e}", path.display()))
    })?;
    let bytes: Vec<u8> = serde_json::from_str(&text).map_err(|e| {
        ClientError::Invalid(format!("{} is not a keypair file: {e}", path.display()))
    })?;
    Keypair::try_from(bytes.as_slice())
        .map_err(|e| ClientError::Invalid(format!("{} is not a keypair file: {e}", path.display())))
}

/// Writes a keypair file (Solana CLI format), readable by its owner only, durably.
pub fn write_keypair(path: &Path, key: &Keypair) -> Result<(), ClientError> {
    let json = serde_json::to_string(&key.to_bytes().to_vec()).expect("bytes serialize");
    let tmp = path.with_extension("tmp");
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp)?;
    file.write_all(json.as_bytes())?;
    file.sync_all()?;
    fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_signer::Signer;

    #[test]
    fn one_key_per_channel_kept_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let keys = SessionKeys::open(dir.path()).unwrap();
        let (a, b) = (Pubkey::new_unique(), Pubkey::new_unique());
        let ka = keys.for_channel(&a).unwrap();
        let kb = keys.for_channel(&b).unwrap();
        assert_ne!(ka.pubkey(), kb.pubkey());
        let again = SessionKeys::open(dir.path()).unwrap();
        assert_eq!(again.for_channel(&a).unwrap().pubkey(), ka.pubkey());
        assert_eq!(again.load(&b).unwrap().pubkey(), kb.pubkey());
        assert!(again.load(&Pubkey::new_unique()).is_err());
    }
}
