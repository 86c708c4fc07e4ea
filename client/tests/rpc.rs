//! `RpcChain` against a stand-in JSON-RPC node on loopback that answers the way a real node
//! does where it matters here: getProgramAccounts refuses base58 for accounts over 128 bytes
//! (error -32600, as Agave's RPC does), so the SDK must ask for base64 — and must use the data
//! it gets back rather than fetch every account again (`provider rank` and `fees sweep` read
//! ProviderMarket accounts of 354 bytes). Every request is recorded, so the tests also count
//! round trips.
use anchor_lang::{prelude::Pubkey, AccountSerialize};
use bandwidth_client::{Client, RpcChain};
use bandwidth_settlement::state::{Provider, ProviderMarket};
use base64::Engine;
use serde_json::{json, Value};
use solana_rpc_client_api::filter::RpcFilterType;
use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    sync::{Arc, Mutex},
};

/// The offset of `ProviderMarket::market` (discriminator, version, bump).
const MARKET_OFFSET: usize = 8 + 1 + 1;

type Accounts = Arc<Vec<(Pubkey, Vec<u8>)>>;

struct Node {
    url: String,
    methods: Arc<Mutex<Vec<String>>>,
}

/// Serves `accounts` (all owned by the program) until the test process ends.
fn node(accounts: Vec<(Pubkey, Vec<u8>)>) -> Node {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let methods = Arc::new(Mutex::new(vec![]));
    let seen = methods.clone();
    let accounts: Accounts = Arc::new(accounts);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let (accounts, seen) = (accounts.clone(), seen.clone());
            std::thread::spawn(move || serve(stream, &accounts, &seen));
        }
    });
    Node { url, methods }
}

/// HTTP/1.1 with keep-alive: one JSON-RPC request after another on the connection.
fn serve(stream: TcpStream, accounts: &Accounts, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap();
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let request: Value = serde_json::from_slice(&body).unwrap();
        let text = answer(&request, accounts, seen).to_string();
        let sent = write!(
            out,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
            text.len()
        );
        if sent.is_err() {
            return;
        }
    }
}

fn ui_account(data: &[u8]) -> Value {
    json!({
        "data": [base64::engine::general_purpose::STANDARD.encode(data), "base64"],
        "executable": false,
        "lamports": 3_354_720u64,
        "owner": bandwidth_settlement::ID.to_string(),
        "rentEpoch": 0,
        "space": data.len(),
    })
}

fn answer(request: &Value, accounts: &Accounts, seen: &Mutex<Vec<String>>) -> Value {
    let method = request["method"].as_str().unwrap().to_string();
    seen.lock().unwrap().push(method.clone());
    let id = request["id"].clone();
    let error = |code: i64, message: &str| json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    let result = match method.as_str() {
        "getProgramAccounts" => {
            let config = &request["params"][1];
            let encoding = config["account_config"]["encoding"]
                .as_str()
                .or(config["encoding"].as_str())
                .unwrap_or("base58");
            let filters: Vec<RpcFilterType> =
                serde_json::from_value(config["filters"].clone()).unwrap_or_default();
            let matching: Vec<&(Pubkey, Vec<u8>)> = accounts
                .iter()
                .filter(|(_, data)| {
                    filters.iter().all(|f| match f {
                        RpcFilterType::Memcmp(m) => m.bytes_match(data),
                        RpcFilterType::DataSize(n) => data.len() as u64 == *n,
                        _ => true,
                    })
                })
                .collect();
            if !encoding.starts_with("base64") && matching.iter().any(|(_, d)| d.len() > 128) {
                return error(
                    -32600,
                    "Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.",
                );
            }
            json!(matching
                .iter()
                .map(|(k, d)| json!({"pubkey": k.to_string(), "account": ui_account(d)}))
                .collect::<Vec<_>>())
        }
        "getMultipleAccounts" => {
            let value: Vec<Value> = request["params"][0]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| {
                    accounts
                        .iter()
                        .find(|(a, _)| a.to_string() == k.as_str().unwrap())
                        .map(|(_, d)| ui_account(d))
                        .unwrap_or(Value::Null)
                })
                .collect();
            json!({"context": {"slot": 1}, "value": value})
        }
        "getAccountInfo" => {
            let key = request["params"][0].as_str().unwrap();
            let value = accounts
                .iter()
                .find(|(a, _)| a.to_string() == key)
                .map(|(_, d)| ui_account(d))
                .unwrap_or(Value::Null);
            json!({"context": {"slot": 1}, "value": value})
        }
        _ => return error(-32601, "Method not found"),
    };
    json!({"jsonrpc": "2.0", "id": id, "result": result})
}

fn serialized<T: AccountSerialize>(account: &T) -> Vec<u8> {
    let mut data = vec![];
    account.try_serialize(&mut data).unwrap();
    data
}

/// Three providers in one market, one in another; their Provider accounts.
fn accounts(market: Pubkey, other: Pubkey) -> (Vec<(Pubkey, Vec<u8>)>, Vec<ProviderMarket>) {
    let mut all = vec![];
    let mut ours = vec![];
    for i in 0..4u64 {
        let provider = Pubkey::new_unique();
        let pm = ProviderMarket {
            market: if i == 3 { other } else { market },
            provider,
            fees_accrued: 100 * (i + 1),
            earnings: 7 * i,
            ..Default::default()
        };
        let data = serialized(&pm);
        assert!(data.len() > 128, "the case a base58 answer cannot carry");
        all.push((Pubkey::new_unique(), data));
        all.push((
            provider,
            serialized(&Provider {
                version: 2,
                bump: 255,
                active: true,
                authority: provider,
                payout: provider,
                min_dispute_window_secs: 600,
                bounty_bps: 100,
                endpoint: format!("https://p{i}.example"),
                region: "eu".into(),
                registered_at: 0,
                reserved: [0; 64],
            }),
        ));
        if i != 3 {
            ours.push(pm);
        }
    }
    (all, ours)
}

#[tokio::test(flavor = "multi_thread")]
async fn program_accounts_come_base64_with_their_data_in_one_request() {
    let (market, other) = (Pubkey::new_unique(), Pubkey::new_unique());
    let (all, ours) = accounts(market, other);
    let node = node(all);
    let client = Client::read_only(RpcChain::new(&node.url));
    let found = client
        .accounts_of::<ProviderMarket>(MARKET_OFFSET, &market)
        .await
        .unwrap();
    let mut fees: Vec<u64> = found.iter().map(|(_, pm)| pm.fees_accrued).collect();
    fees.sort();
    assert_eq!(fees, [100, 200, 300]);
    for (_, pm) in &found {
        let expected = ours.iter().find(|o| o.provider == pm.provider).unwrap();
        assert_eq!(
            (pm.market, pm.earnings),
            (expected.market, expected.earnings)
        );
    }
    assert_eq!(*node.methods.lock().unwrap(), ["getProgramAccounts"]);

    // Their providers: one getMultipleAccounts, in order, None where there is none.
    let mut keys: Vec<Pubkey> = found.iter().map(|(_, pm)| pm.provider).collect();
    keys.push(Pubkey::new_unique());
    let providers = client.get_many::<Provider>(&keys).await.unwrap();
    assert_eq!(providers.len(), 4);
    for (key, p) in keys.iter().zip(&providers).take(3) {
        assert_eq!(p.as_ref().unwrap().authority, *key);
    }
    assert!(providers[3].is_none());
    assert_eq!(
        *node.methods.lock().unwrap(),
        ["getProgramAccounts", "getMultipleAccounts"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_of_another_type_at_an_address_is_named_in_the_error() {
    let (market, other) = (Pubkey::new_unique(), Pubkey::new_unique());
    let (all, _) = accounts(market, other);
    let pm_address = all[0].0;
    let node = node(all);
    let client = Client::read_only(RpcChain::new(&node.url));
    let e = client
        .get_many::<Provider>(&[pm_address])
        .await
        .unwrap_err();
    assert!(e.to_string().contains(&pm_address.to_string()), "{e}");
}
