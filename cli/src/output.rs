//! How `bwx` prints: `--output json` prints a report as JSON; `--output table` prints objects
//! as aligned `key  value` lines and lists of objects as columns. And the pieces several
//! reports share.
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    market::{load_market, ui_amount},
    settlement::{Outcome, SettleRow},
    Chain, Client, ClientError,
};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

pub fn render<T: Serialize>(report: &T, format: Format) -> String {
    let value = serde_json::to_value(report).expect("reports serialize");
    match format {
        Format::Json => serde_json::to_string_pretty(&value).expect("json"),
        Format::Table => table(&value),
    }
}

/// Basis points as a percentage: 250 is "2.50 %".
pub fn percent(bps: u16) -> String {
    format!("{}.{:02} %", bps / 100, bps % 100)
}

/// A settlement's row as `bwx settle` and `bwx watch` print it: amounts in the mint's units.
#[derive(Debug, Serialize)]
pub struct SettleLine {
    pub channel: String,
    pub outcome: Outcome,
    pub amount: Option<String>,
    pub bytes: Option<u64>,
    pub signature: Option<String>,
    /// Channels settled in the same transaction.
    pub batch: Option<usize>,
    /// Why a settlement was refused or failed.
    pub error: Option<String>,
}

impl SettleLine {
    /// `decimals`: of the row's market (base units shown as they are without).
    pub fn new(row: &SettleRow, decimals: Option<u8>) -> SettleLine {
        SettleLine {
            channel: row.channel.to_string(),
            outcome: row.outcome,
            amount: row.amount.map(|a| match decimals {
                Some(d) => ui_amount(a, d),
                None => a.to_string(),
            }),
            bytes: row.bytes,
            signature: row.signature.map(|s| s.to_string()),
            batch: row.batch,
            error: row.error.clone(),
        }
    }

    /// Every row, each in its market's decimals (one read per market).
    pub async fn all<C: Chain>(
        client: &Client<C>,
        rows: &[SettleRow],
    ) -> Result<Vec<SettleLine>, ClientError> {
        let mut decimals: HashMap<Pubkey, u8> = HashMap::new();
        for market in rows.iter().filter_map(|r| r.market) {
            if let std::collections::hash_map::Entry::Vacant(e) = decimals.entry(market) {
                e.insert(load_market(client, &market).await?.decimals);
            }
        }
        Ok(rows
            .iter()
            .map(|r| SettleLine::new(r, r.market.and_then(|m| decimals.get(&m).copied())))
            .collect())
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

fn table(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let mut out = String::new();
            let width = map.keys().map(|k| k.len()).max().unwrap_or(0);
            let mut nested = vec![];
            for (k, v) in map {
                match v {
                    Value::Array(_) | Value::Object(_) => nested.push((k, v)),
                    _ => out.push_str(&format!("{k:<width$}  {}\n", scalar(v))),
                }
            }
            for (k, v) in nested {
                out.push_str(&format!("\n{k}:\n{}", table(v)));
            }
            out
        }
        Value::Array(rows) => columns(rows),
        other => format!("{}\n", scalar(other)),
    }
}

fn columns(rows: &[Value]) -> String {
    let Some(Value::Object(first)) = rows.first() else {
        return rows.iter().map(|r| format!("{}\n", scalar(r))).collect();
    };
    let headers: Vec<&String> = first.keys().collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| headers.iter().map(|h| scalar(&r[h.as_str()])).collect())
        .collect();
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            cells
                .iter()
                .map(|c| c[i].len())
                .max()
                .unwrap_or(0)
                .max(h.len())
        })
        .collect();
    let line = |values: Vec<&str>| {
        values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:>w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            + "\n"
    };
    let mut out = line(headers.iter().map(|h| h.as_str()).collect());
    for c in &cells {
        out.push_str(&line(c.iter().map(|s| s.as_str()).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        name: &'static str,
        amount: String,
    }

    #[test]
    fn renders_objects_and_lists() {
        let rows = vec![
            Row {
                name: "a",
                amount: "1.000000".into(),
            },
            Row {
                name: "bb",
                amount: "22.500000".into(),
            },
        ];
        let t = render(&rows, Format::Table);
        assert_eq!(t, "name     amount\n   a   1.000000\n  bb  22.500000\n");
        let j = render(&rows, Format::Json);
        assert!(j.contains("\"amount\": \"22.500000\""));
    }

    #[test]
    fn percent_of_basis_points() {
        assert_eq!(percent(250), "2.50 %");
        assert_eq!(percent(10_000), "100.00 %");
        assert_eq!(percent(5), "0.05 %");
    }
}
