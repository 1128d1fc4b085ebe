//! The crowdfunding pages (众筹 · 财务公开): a community's campaigns; one campaign's page,
//! which anyone may read without signing in (figures, how to give, every ledger entry,
//! expenses; donors as "唐**" or "匿名"), where a resident pledges ("我要捐款"), the desk
//! takes cash against a numbered slip, the treasurer confirms and pays, the supervisor
//! approves; and the printable slip. Amounts are typed in yuan and kept in whole fen.

mod forms;
mod list;
mod page;
mod slip;

pub use forms::campaign_action;
pub use list::{campaigns_page, public_campaigns_page, start_campaign};
pub use page::campaign_page;
pub use slip::slip_page;

use crate::locale::text;

/// A ledger entry's or a pledge's kind in words.
fn label(group: &str, name: &str) -> String {
    text(&format!("page.funds.{group}.{name}"), &[])
}
