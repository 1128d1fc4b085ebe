//! The double-entry, append-only ledger of a campaign.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where money is, or where it came from and went.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Account {
    /// The campaign's money in hand (the committee's account and the desk's cash).
    Funds,
    /// Given by residents (a credit account: its balance is negative).
    Donations,
    /// Given back.
    Refunds,
    /// Paid out for the project.
    Expenses,
}

impl Account {
    pub const ALL: [Account; 4] = [
        Account::Funds,
        Account::Donations,
        Account::Refunds,
        Account::Expenses,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Account::Funds => "funds",
            Account::Donations => "donations",
            Account::Refunds => "refunds",
            Account::Expenses => "expenses",
        }
    }

    pub fn parse(raw: &str) -> Option<Account> {
        Account::ALL
            .into_iter()
            .find(|account| account.as_str() == raw)
    }
}

/// One side of an entry: a debit when positive, a credit when negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Line {
    pub account: Account,
    pub fen: i64,
}

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum EntryKind {
    Donation,
    Refund,
    Expense,
    /// Undoes entry `of` (its lines negated), with a reason kept beside it.
    Reversal {
        of: usize,
    },
}

/// An entry as the ledger keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Entry {
    pub kind: EntryKind,
    pub lines: Vec<Line>,
}

/// Why an entry is refused; nothing is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerError {
    /// More than the campaign holds would leave it.
    OverBalance,
    /// More would be refunded than was given.
    OverDonations,
    /// The entry to undo does not exist, is a reversal itself, or was undone already.
    NotReversible,
}

impl EntryKind {
    /// The stored name (a reversal's target is kept in a column of its own).
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Donation => "donation",
            EntryKind::Refund => "refund",
            EntryKind::Expense => "expense",
            EntryKind::Reversal { .. } => "reversal",
        }
    }
}

impl LedgerError {
    pub fn code(self) -> &'static str {
        match self {
            Self::OverBalance => "fund.over_balance",
            Self::OverDonations => "fund.refund_over_donations",
            Self::NotReversible => "fund.not_reversible",
        }
    }
}

/// A campaign's entries, in order, and the balances they add up to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    entries: Vec<Entry>,
    balances: BTreeMap<Account, i64>,
}

impl Ledger {
    /// The ledger of entries already written, folded in order.
    pub fn from_entries(entries: impl IntoIterator<Item = Entry>) -> Self {
        let mut ledger = Self::default();
        for entry in entries {
            ledger.append(entry);
        }
        ledger
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn balance(&self, account: Account) -> i64 {
        self.balances.get(&account).copied().unwrap_or(0)
    }

    /// Money in hand.
    pub fn available(&self) -> i64 {
        self.balance(Account::Funds)
    }

    /// Given, net of reversed donations.
    pub fn raised(&self) -> i64 {
        -self.balance(Account::Donations)
    }

    pub fn refunded(&self) -> i64 {
        self.balance(Account::Refunds)
    }

    pub fn spent(&self) -> i64 {
        self.balance(Account::Expenses)
    }

    /// The sum of every line of every entry: zero in a sound ledger.
    pub fn imbalance(&self) -> i64 {
        self.balances.values().sum()
    }

    fn append(&mut self, entry: Entry) {
        for line in &entry.lines {
            *self.balances.entry(line.account).or_default() += line.fen;
        }
        self.entries.push(entry);
    }

    /// The entry of money given (the treasurer confirmed it arrived).
    pub fn donation(fen: i64) -> Entry {
        Entry {
            kind: EntryKind::Donation,
            lines: vec![
                Line {
                    account: Account::Funds,
                    fen,
                },
                Line {
                    account: Account::Donations,
                    fen: -fen,
                },
            ],
        }
    }

    /// Checks an entry against the ledger and appends it (its position is returned); a
    /// refused one changes nothing.
    pub fn record(&mut self, kind: EntryKind, fen: i64) -> Result<usize, LedgerError> {
        let entry = match kind {
            EntryKind::Donation => Self::donation(fen),
            EntryKind::Refund => {
                if fen > self.raised() - self.refunded() {
                    return Err(LedgerError::OverDonations);
                }
                if fen > self.available() {
                    return Err(LedgerError::OverBalance);
                }
                Entry {
                    kind,
                    lines: vec![
                        Line {
                            account: Account::Refunds,
                            fen,
                        },
                        Line {
                            account: Account::Funds,
                            fen: -fen,
                        },
                    ],
                }
            }
            // Whether an expense may exceed the balance is the approver's call, with a
            // reason (see `check_expense_within_balance`); the ledger records what was paid.
            EntryKind::Expense => Entry {
                kind,
                lines: vec![
                    Line {
                        account: Account::Expenses,
                        fen,
                    },
                    Line {
                        account: Account::Funds,
                        fen: -fen,
                    },
                ],
            },
            EntryKind::Reversal { of } => {
                let reversible =
                    self.entries.get(of).is_some_and(|original| {
                        !matches!(original.kind, EntryKind::Reversal { .. })
                    }) && !self
                        .entries
                        .iter()
                        .any(|entry| entry.kind == EntryKind::Reversal { of });
                let Some(original) = self.entries.get(of).filter(|_| reversible) else {
                    return Err(LedgerError::NotReversible);
                };
                let lines: Vec<Line> = original
                    .lines
                    .iter()
                    .map(|line| Line {
                        account: line.account,
                        fen: -line.fen,
                    })
                    .collect();
                // Undoing a donation whose money is spent would leave less than nothing.
                let leaving: i64 = lines
                    .iter()
                    .filter(|line| line.account == Account::Funds && line.fen < 0)
                    .map(|line| -line.fen)
                    .sum();
                // Undoing an expense brings money back, which an overspent campaign
                // (an approved override) must still be able to do.
                if leaving > 0 && leaving > self.available() {
                    return Err(LedgerError::OverBalance);
                }
                Entry { kind, lines }
            }
        };
        self.append(entry);
        Ok(self.entries.len() - 1)
    }
}
