//! Receipt photos of expenses (the clinic's bill, the invoice): checked and re-encoded
//! as work-order photos are (EXIF and the phone's position dropped), added by whoever may
//! ask for the expense, and shown with it on the public ledger.

use crate::work_orders::photos::{MAX_PHOTOS_PER_PURPOSE, process_uploads};
use crate::{App, AppError, AppResult, Caller};
use linli_domain::funds::{ExpenseStatus, may_request_expense, sees_donors};
use linli_domain::ids::{CommunityId, PersonId};
use linli_store::funds::ReceiptRow;
use linli_store::passwords::new_session_token;
use linli_store::work_orders::NewPhoto;

/// Adds receipts to an expense (all or none) and answers the expense's receipts.
pub async fn add_receipts(
    app: &App,
    caller: &Caller,
    expense_id: i64,
    uploads: Vec<Vec<u8>>,
) -> AppResult<Vec<ReceiptRow>> {
    let expense = app.store.expense(expense_id).await?;
    let campaign = app.store.campaign(expense.campaign_id).await?;
    let community = CommunityId(campaign.community_id);
    if !may_request_expense(
        caller.grants(),
        community,
        caller.person,
        PersonId(campaign.treasurer_id),
    ) {
        return Err(AppError::forbidden());
    }
    if expense.status == ExpenseStatus::Rejected {
        return Err(AppError::Conflict("fund.expense_moved"));
    }
    if uploads.is_empty() {
        return Err(AppError::invalid("validation.required", "photo"));
    }
    let processed = process_uploads(uploads).await?;
    let mut rows = Vec::with_capacity(processed.len());
    for photo in processed {
        let name = &new_session_token()?[..24];
        let storage_key = format!("receipts/{expense_id}/{name}.jpg");
        let thumbnail_key = format!("receipts/{expense_id}/{name}.thumb.jpg");
        rows.push(NewPhoto {
            bytes: i64::try_from(photo.jpeg.len()).unwrap_or(i64::MAX),
            width: i64::from(photo.width),
            height: i64::from(photo.height),
            storage_key: storage_key.clone(),
            thumbnail_key: thumbnail_key.clone(),
        });
        // Files first, rows last: a failure leaves at worst an unreferenced file.
        for (key, bytes) in [(storage_key, photo.jpeg), (thumbnail_key, photo.thumbnail)] {
            app.blobs
                .put(&key, bytes)
                .await
                .map_err(|error| AppError::blob("storing a receipt", &error))?;
        }
    }
    app.store
        .add_receipts(
            expense_id,
            caller.person,
            &rows,
            MAX_PHOTOS_PER_PURPOSE,
            app.clock.now(),
        )
        .await?;
    Ok(app
        .store
        .campaign_receipts(campaign.id)
        .await?
        .into_iter()
        .filter(|receipt| receipt.expense_id == expense_id)
        .collect())
}

/// A receipt's bytes (or its thumbnail): public with its expense, except a draft's,
/// which only the office sees.
pub async fn receipt_bytes(
    app: &App,
    caller: Option<&Caller>,
    expense_id: i64,
    receipt_id: i64,
    thumbnail: bool,
) -> AppResult<Vec<u8>> {
    let receipt = app.store.receipt(receipt_id).await?;
    if receipt.expense_id != expense_id {
        return Err(AppError::NotFound("photo.not_found"));
    }
    let expense = app.store.expense(expense_id).await?;
    if expense.status == ExpenseStatus::Draft {
        let campaign = app.store.campaign(expense.campaign_id).await?;
        let office = caller
            .is_some_and(|caller| sees_donors(caller.grants(), CommunityId(campaign.community_id)));
        if !office {
            return Err(AppError::NotFound("photo.not_found"));
        }
    }
    let key = if thumbnail {
        &receipt.thumbnail_key
    } else {
        &receipt.storage_key
    };
    app.blobs
        .get(key)
        .await
        .map_err(|error| AppError::blob("reading a receipt", &error))?
        .ok_or_else(|| AppError::internal(format!("receipt {receipt_id} has no file ({key})")))
}
