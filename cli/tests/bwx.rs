//! `bwx` as a user runs it: the Solana CLI's conventions for the cluster and the signer, the
//! config file defaults, read-only commands without a signer, `--output json`, exit codes.
//! Runs the built binary in a throw-away HOME; no cluster is needed (nothing listens on the
//! URLs used, and the commands that read the chain fail as they should).
use serde_json::Value;
use std::{path::Path, process::Command};

fn bwx(home: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bwx"))
        .args(args)
        .env("HOME", home)
        .env_remove("BWX_URL")
        .env_remove("BWX_KEYPAIR")
        .env_remove("BWX_DATA_DIR")
        .output()
        .expect("bwx runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(home: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--output", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = bwx(home, &all);
    assert_eq!(code, 0, "bwx {args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("bwx {args:?} is not JSON ({e}): {out}"))
}

/// A Solana CLI keypair file (JSON array of 64 bytes) with a fixed key.
fn keypair_file(dir: &Path, name: &str, seed: u8) -> (String, String) {
    let key = solana_keypair::Keypair::new_from_array([seed; 32]);
    let path = dir.join(name);
    std::fs::write(&path, format!("{:?}", key.to_bytes().to_vec())).unwrap();
    use solana_signer::Signer;
    (path.display().to_string(), key.pubkey().to_string())
}

#[test]
fn url_monikers_keypair_paths_and_the_solana_cli_config() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // No config file: localhost and ~/.config/solana/id.json (missing here).
    let c = json(h, &["config"]);
    assert_eq!(c["url"], "http://127.0.0.1:8899");
    assert_eq!(c["keypair_from"], "the default path");
    assert!(c["signer"].is_null());
    assert!(c["signer_error"].as_str().unwrap().contains("id.json"));
    // Monikers, as the Solana CLI takes them.
    for (moniker, url) in [
        ("localhost", "http://localhost:8899"),
        ("l", "http://localhost:8899"),
        ("devnet", "https://api.devnet.solana.com"),
        ("testnet", "https://api.testnet.solana.com"),
        ("mainnet-beta", "https://api.mainnet-beta.solana.com"),
        ("http://10.0.0.1:8899", "http://10.0.0.1:8899"),
    ] {
        assert_eq!(json(h, &["-u", moniker, "config"])["url"], url, "{moniker}");
    }
    // A keypair file given with -k.
    let (path, pubkey) = keypair_file(h, "me.json", 7);
    let c = json(h, &["-k", &path, "config"]);
    assert_eq!(
        (c["signer"].as_str(), c["keypair_from"].as_str()),
        (Some(pubkey.as_str()), Some("--keypair"))
    );
    // The Solana CLI config file, when present, gives both defaults.
    let (other, other_pubkey) = keypair_file(h, "other.json", 9);
    let dir = h.join(".config/solana/cli");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.yml"),
        format!("---\njson_rpc_url: \"http://127.0.0.1:1\"\nwebsocket_url: \"\"\nkeypair_path: {other}\naddress_labels: {{}}\ncommitment: confirmed\n"),
    )
    .unwrap();
    let c = json(h, &["config"]);
    assert_eq!(c["url"], "http://127.0.0.1:1");
    assert_eq!(c["signer"].as_str(), Some(other_pubkey.as_str()));
    assert_eq!(c["keypair_from"], "the Solana CLI config");
    // Flags win over the config file.
    let c = json(h, &["-u", "devnet", "-k", &path, "config"]);
    assert_eq!(
        (c["url"].as_str(), c["signer"].as_str()),
        (Some("https://api.devnet.solana.com"), Some(pubkey.as_str()))
    );
    // -C names another config file.
    let alt = h.join("alt.yml");
    std::fs::write(
        &alt,
        "---\njson_rpc_url: \"http://127.0.0.1:2\"\nwebsocket_url: \"\"\nkeypair_path: /nonexistent\naddress_labels: {}\ncommitment: confirmed\n",
    )
    .unwrap();
    assert_eq!(
        json(h, &["-C", alt.to_str().unwrap(), "config"])["url"],
        "http://127.0.0.1:2"
    );
}

#[test]
fn read_only_commands_need_no_signer_and_exit_codes_are_documented() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let market = "So11111111111111111111111111111111111111112";
    // No keypair anywhere: a read-only command still goes to the cluster (and fails there,
    // nothing listens), a signing command stops at the signer.
    let (code, _, err) = bwx(
        h,
        &[
            "-u",
            "http://127.0.0.1:1",
            "market",
            "show",
            "--market",
            market,
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("cannot reach the cluster"), "{err}");
    let (code, _, err) = bwx(
        h,
        &[
            "-u",
            "http://127.0.0.1:1",
            "buyer",
            "deposit",
            "--market",
            market,
            "--amount",
            "1",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot load the signer") && err.contains("--keypair"),
        "{err}"
    );
    // Usage errors exit with 2: a missing argument, an address that is not one.
    let (code, _, _) = bwx(h, &["market", "show"]);
    assert_eq!(code, 2);
    let (code, _, err) = bwx(h, &["market", "show", "--market", "not-an-address"]);
    assert_eq!(code, 2, "{err}");
    // The exit codes are in --help.
    let (code, out, _) = bwx(h, &["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Exit status") && out.contains("2  usage error"),
        "{out}"
    );
    // A hardware wallet URI is refused with a message that says what to use instead.
    let (code, _, err) = bwx(
        h,
        &[
            "-k",
            "usb://ledger",
            "buyer",
            "deposit",
            "--market",
            market,
            "--amount",
            "1",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("hardware-wallet"), "{err}");
}

/// `bwx provider serve` refuses what it cannot run, before anything else: no market, a config
/// file with an unknown key or a bad value; a cluster that cannot be reached stops it with
/// exit 1 and a message (nothing to serve without the provider's account).
#[test]
fn provider_serve_says_what_is_missing() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let (code, _, err) = bwx(h, &["provider", "serve"]);
    assert_eq!(code, 1);
    assert!(err.contains("which market?"), "{err}");
    let config = h.join("node.yml");
    std::fs::write(
        &config,
        "market: So11111111111111111111111111111111111111112\nlisten_on: x\n",
    )
    .unwrap();
    let (code, _, err) = bwx(
        h,
        &[
            "provider",
            "serve",
            "--node-config",
            config.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("unknown field `listen_on`"), "{err}");
    std::fs::write(&config, "market: not-an-address\n").unwrap();
    let (code, _, err) = bwx(
        h,
        &[
            "provider",
            "serve",
            "--node-config",
            config.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("is not an address"), "{err}");
    // From the file, with a signer, against nothing: the cluster cannot be reached.
    let (key, _) = keypair_file(h, "id.json", 3);
    std::fs::write(
        &config,
        "market: So11111111111111111111111111111111111111112\n",
    )
    .unwrap();
    let (code, _, err) = bwx(
        h,
        &[
            "-u",
            "http://127.0.0.1:1",
            "-k",
            &key,
            "provider",
            "serve",
            "--node-config",
            config.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("cannot reach the cluster"), "{err}");
}

/// Where the cluster came from is always visible (BWX_URL wins over the config file, silently
/// otherwise), and a config file `bwx` cannot read stops only what uses a cluster or a signer.
#[test]
fn the_cluster_says_where_it_came_from_and_a_broken_config_stops_only_what_needs_it() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    assert_eq!(json(h, &["config"])["url_from"], "the default");
    assert_eq!(json(h, &["-u", "d", "config"])["url_from"], "--url");
    let out = Command::new(env!("CARGO_BIN_EXE_bwx"))
        .args(["--output", "json", "config"])
        .env("HOME", h)
        .env("BWX_URL", "http://127.0.0.1:1")
        .output()
        .unwrap();
    let c: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (c["url"].as_str(), c["url_from"].as_str()),
        (Some("http://127.0.0.1:1"), Some("BWX_URL"))
    );
    // A command the cluster refuses to answer names the cluster and its source.
    let out = Command::new(env!("CARGO_BIN_EXE_bwx"))
        .args([
            "market",
            "show",
            "--market",
            "So11111111111111111111111111111111111111112",
        ])
        .env("HOME", h)
        .env("BWX_URL", "http://127.0.0.1:1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("cluster: http://127.0.0.1:1 (from BWX_URL)"),
        "{err}"
    );

    let dir = h.join(".config/solana/cli");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.yml"), "json_rpc_url: [unclosed\n").unwrap();
    let (code, _, err) = bwx(h, &["config"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read the Solana CLI config"), "{err}");
    // The demo on the embedded chain needs no config: it runs (and checks itself).
    let (code, out, err) = bwx(
        h,
        &["demo", "--buyers", "2", "--providers", "1", "--rounds", "4"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    // Given explicitly with -C, a broken file is an error for every command.
    let (code, _, err) = bwx(
        h,
        &["-C", &dir.join("config.yml").to_string_lossy(), "demo"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("cannot read the Solana CLI config"), "{err}");
}
