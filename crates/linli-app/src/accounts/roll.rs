//! The committee's roll (住户名册): a spreadsheet (.xlsx) or CSV (UTF-8, or GBK as old
//! Excel saves it) with the columns 楼号, 单元, 室, 姓名, 手机, 身份 (业主/家属/租户), 面积.
//! A preview says per row what it would do — create an account, change one, leave it, or
//! refuse the row and why; the import writes every row in one transaction, and only when
//! no row is refused (nothing is ever half-imported). Importing the same file twice changes
//! nothing the second time. The roll goes back out as a workbook.

use crate::{App, AppError, AppResult, Caller};
use calamine::{Data, Reader};
use linli_domain::accounts::roll::{Header, MAX_ROWS, RollEntry, RowOutcome, parse_row};
use linli_domain::ids::CommunityId;
use linli_domain::permissions::RegistryAction;
use linli_domain::registry::OrganisationKind;
use linli_store::accounts::{RollLine, RollWrite};
use linli_store::passwords::new_session_token;
use std::collections::HashMap;

/// Largest file taken.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// A row of the file as read: its line number (1 = the header) and cells, or a problem
/// of the file at that row (a formula, merged cells).
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawRow {
    line: usize,
    cells: Vec<String>,
    problem: Option<(&'static str, &'static str)>,
}

/// One row's fate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowPlan {
    pub line: usize,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub name: String,
    pub phone: String,
    pub relation: String,
    pub outcome: RowOutcome,
    /// Why it is refused: `(code, column)`, each with its column.
    pub problems: Vec<(&'static str, &'static str)>,
    write: Option<RollWrite>,
}

/// What an import does, row by row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RollPlan {
    pub rows: Vec<RowPlan>,
    pub created: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub refused: usize,
}

/// Who keeps the roll: the community's administrators and its residents' committee.
pub async fn keeps_roll(app: &App, caller: &Caller, community: CommunityId) -> AppResult<bool> {
    let place = app.store.community(community).await?.place();
    if caller.may(RegistryAction::ManagePeople, place) {
        return Ok(true);
    }
    for organisation in linli_domain::access::handler_organisations(caller.grants(), community) {
        let organisation = app.store.organisation(organisation).await?;
        if OrganisationKind::parse(&organisation.kind) == Ok(OrganisationKind::ResidentsCommittee) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// [`keeps_roll`], or `auth.forbidden`.
pub async fn may_keep_roll(app: &App, caller: &Caller, community: CommunityId) -> AppResult<()> {
    if keeps_roll(app, caller, community).await? {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

fn file_error(code: &'static str) -> AppError {
    AppError::invalid(code, "file")
}

/// A cell as text: numbers as written (`7`, not `7.0`; `89.5`).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Int(number) => number.to_string(),
        Data::Float(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
            format!("{number:.0}")
        }
        Data::Float(number) => number.to_string(),
        Data::Bool(value) => value.to_string(),
        other => other.to_string(),
    }
}

/// The rows of an .xlsx workbook's first sheet. A cell holding a formula, or a row
/// crossing merged cells, is a problem of its row (the value shown may not be what the
/// committee meant).
fn read_xlsx(bytes: &[u8]) -> AppResult<Vec<RawRow>> {
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
            .map_err(|_| file_error("accounts.roll_unreadable"))?;
    let sheet = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| file_error("accounts.roll_empty"))?;
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|_| file_error("accounts.roll_unreadable"))?;
    let mut problems: HashMap<usize, (&'static str, &'static str)> = HashMap::new();
    if let Ok(formulas) = workbook.worksheet_formula(&sheet) {
        let (top, _) = formulas.start().unwrap_or((0, 0));
        for (row, _, formula) in formulas.used_cells() {
            if !formula.is_empty() {
                let line = usize::try_from(top).unwrap_or(0) + row + 1;
                problems
                    .entry(line)
                    .or_insert(("accounts.roll_formula", "file"));
            }
        }
    }
    if let Ok(merged) = workbook.merge_cells_by_sheet_name(&sheet) {
        for region in merged {
            for row in region.start.0..=region.end.0 {
                let line = usize::try_from(row).unwrap_or(0) + 1;
                problems
                    .entry(line)
                    .or_insert(("accounts.roll_merged", "file"));
            }
        }
    }
    let (top, left) = range.start().unwrap_or((0, 0));
    let top = usize::try_from(top).unwrap_or(0);
    let left = usize::try_from(left).unwrap_or(0);
    Ok(range
        .rows()
        .enumerate()
        .map(|(index, cells)| {
            let line = top + index + 1;
            let mut text: Vec<String> = vec![String::new(); left];
            text.extend(cells.iter().map(cell_text));
            RawRow {
                line,
                cells: text,
                problem: problems.get(&line).copied(),
            }
        })
        .collect())
}

/// The rows of a CSV file, UTF-8 (with or without a byte-order mark) or GBK.
fn read_csv(bytes: &[u8]) -> AppResult<Vec<RawRow>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.trim_start_matches('\u{feff}').to_owned(),
        Err(_) => {
            let (text, _, malformed) = encoding_rs::GBK.decode(bytes);
            if malformed {
                return Err(file_error("accounts.roll_encoding"));
            }
            text.into_owned()
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|_| file_error("accounts.roll_unreadable"))?;
        rows.push(RawRow {
            line: index + 1,
            cells: record.iter().map(str::to_owned).collect(),
            problem: None,
        });
    }
    Ok(rows)
}

fn read_file(bytes: &[u8]) -> AppResult<Vec<RawRow>> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::TooLarge("accounts.roll_too_large"));
    }
    // An .xlsx workbook is a zip archive; anything else is taken as CSV.
    let rows = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    let rows: Vec<RawRow> = rows
        .into_iter()
        .filter(|row| row.cells.iter().any(|cell| !cell.trim().is_empty()))
        .collect();
    if rows.len() > MAX_ROWS + 1 {
        return Err(file_error("accounts.roll_too_many_rows").with_arg("max", MAX_ROWS.to_string()));
    }
    if rows.len() < 2 {
        return Err(file_error("accounts.roll_empty"));
    }
    Ok(rows)
}

fn refused(line: usize, cells: &[String], problems: Vec<(&'static str, &'static str)>) -> RowPlan {
    let cell = |index: usize| cells.get(index).cloned().unwrap_or_default();
    RowPlan {
        line,
        building: cell(0),
        unit: cell(1),
        room: cell(2),
        name: cell(3),
        phone: cell(4),
        relation: cell(5),
        outcome: RowOutcome::Refused,
        problems,
        write: None,
    }
}

/// What the file would do to the community's registry as it stands.
async fn plan(app: &App, community: CommunityId, bytes: &[u8]) -> AppResult<RollPlan> {
    let rows = read_file(bytes)?;
    let (header_row, rows) = rows
        .split_first()
        .ok_or_else(|| file_error("accounts.roll_empty"))?;
    let header = Header::parse(&header_row.cells)?;
    let rooms: HashMap<(String, String, String), linli_store::accounts::RollRoom> = app
        .store
        .roll_rooms(community)
        .await?
        .into_iter()
        .map(|room| {
            (
                (
                    room.building_number.clone(),
                    room.unit_number.clone(),
                    room.room_number.clone(),
                ),
                room,
            )
        })
        .collect();
    let mut people: HashMap<String, linli_store::people::Person> = HashMap::new();
    for person in app.store.people_with_phones().await? {
        if let Some(phone) = person.phone.clone() {
            people.entry(phone).or_insert(person);
        }
    }
    let links: HashMap<(i64, i64), String> = app
        .store
        .room_links(community)
        .await?
        .into_iter()
        .map(|(person, room, relation)| ((person, room), relation))
        .collect();
    let phones_in_file: HashMap<String, usize> = rows
        .iter()
        .filter_map(|row| parse_row(&header, &row.cells).ok())
        .fold(HashMap::new(), |mut counts, entry| {
            *counts.entry(entry.phone.as_str().to_owned()).or_default() += 1;
            counts
        });
    let mut result = RollPlan::default();
    for row in rows {
        let entry = match (row.problem, parse_row(&header, &row.cells)) {
            (Some(problem), _) => Err(vec![problem]),
            (None, Ok(entry)) => Ok(entry),
            (None, Err(problems)) => Err(problems
                .into_iter()
                .map(|problem| (problem.code, problem.field))
                .collect()),
        };
        let planned = match entry {
            Err(problems) => refused(row.line, &row.cells, problems),
            Ok(entry) => plan_row(row.line, &entry, &rooms, &people, &links, &phones_in_file)?,
        };
        match planned.outcome {
            RowOutcome::Created => result.created += 1,
            RowOutcome::Changed => result.changed += 1,
            RowOutcome::Unchanged => result.unchanged += 1,
            RowOutcome::Refused => result.refused += 1,
        }
        result.rows.push(planned);
    }
    Ok(result)
}

fn plan_row(
    line: usize,
    entry: &RollEntry,
    rooms: &HashMap<(String, String, String), linli_store::accounts::RollRoom>,
    people: &HashMap<String, linli_store::people::Person>,
    links: &HashMap<(i64, i64), String>,
    phones_in_file: &HashMap<String, usize>,
) -> AppResult<RowPlan> {
    let phone = entry.phone.as_str().to_owned();
    let mut row = RowPlan {
        line,
        building: entry.building.clone(),
        unit: entry.unit.clone(),
        room: entry.room.clone(),
        name: entry.name.as_str().to_owned(),
        phone: phone.clone(),
        relation: entry.relation.as_str().to_owned(),
        outcome: RowOutcome::Refused,
        problems: Vec::new(),
        write: None,
    };
    let room = rooms.get(&(
        entry.building.clone(),
        entry.unit.clone(),
        entry.room.clone(),
    ));
    if room.is_none() {
        row.problems.push(("accounts.roll_room_unknown", "室"));
    }
    // A number twice in one file: which row is right is the committee's to say.
    if phones_in_file.get(&phone).copied().unwrap_or(0) > 1 {
        row.problems.push(("accounts.roll_duplicate_phone", "手机"));
    }
    let Some(room) = room.filter(|_| row.problems.is_empty()) else {
        return Ok(row);
    };
    let person = people.get(&phone);
    let area_changes = entry
        .area_hundredths_m2
        .is_some_and(|area| room.floor_area_hundredths_m2 != Some(area));
    let (outcome, login) = match person {
        None => (
            RowOutcome::Created,
            format!("m{}", &new_session_token()?[..15]),
        ),
        Some(person) => {
            let same = person.display_name == entry.name.as_str()
                && links.get(&(person.id, room.id)).map(String::as_str)
                    == Some(entry.relation.as_str())
                && !area_changes;
            let outcome = if same {
                RowOutcome::Unchanged
            } else {
                RowOutcome::Changed
            };
            (outcome, person.login.clone())
        }
    };
    row.outcome = outcome;
    if outcome != RowOutcome::Unchanged {
        row.write = Some(RollWrite {
            person: person.map(|person| person.id),
            login,
            name: entry.name.as_str().to_owned(),
            phone,
            room: room.id,
            relation: entry.relation,
            area_hundredths_m2: entry.area_hundredths_m2.filter(|_| area_changes),
        });
    }
    Ok(row)
}

/// What importing the file would do, row by row; nothing is written.
pub async fn preview(
    app: &App,
    caller: &Caller,
    community: i64,
    bytes: &[u8],
) -> AppResult<RollPlan> {
    let community = CommunityId(community);
    may_keep_roll(app, caller, community).await?;
    plan(app, community, bytes).await
}

/// Imports the file in one transaction, or refuses it whole
/// (`accounts.roll_rows_refused`) if any row is refused.
pub async fn import(
    app: &App,
    caller: &Caller,
    community: i64,
    bytes: &[u8],
) -> AppResult<RollPlan> {
    let community = CommunityId(community);
    may_keep_roll(app, caller, community).await?;
    let plan = plan(app, community, bytes).await?;
    if plan.refused > 0 {
        return Err(
            file_error("accounts.roll_rows_refused").with_arg("count", plan.refused.to_string())
        );
    }
    let writes: Vec<RollWrite> = plan
        .rows
        .iter()
        .filter_map(|row| row.write.clone())
        .collect();
    app.store
        .apply_roll(community, &writes, caller.person, app.now())
        .await?;
    Ok(plan)
}

/// Where a previewed file waits for the committee to import it: under the community,
/// named by when it came and its SHA-256, so the import is of exactly the file previewed.
const STAGED_FOLDER: &str = "roll-uploads/";
/// A previewed file nobody imported is removed after this.
const STAGED_FOR_HOURS: i64 = 24;

/// A previewed file kept for its import, and what importing it would do.
#[derive(Debug, Clone)]
pub struct Staged {
    /// Names the kept file (`1796000000-<sha256>`) for [`import_staged`]; empty when a
    /// row is refused (the file is not kept).
    pub upload: String,
    pub plan: RollPlan,
}

fn staged_key(community: CommunityId, upload: &str) -> String {
    format!("{STAGED_FOLDER}{}/{upload}", community.0)
}

/// When a kept file came, from its name; `None` for a name that is not one of ours.
fn staged_at(upload: &str) -> Option<i64> {
    let (seconds, digest) = upload.split_once('-')?;
    let well_formed = digest.len() == 64
        && digest
            .bytes()
            .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
        && !seconds.is_empty()
        && seconds.bytes().all(|byte| byte.is_ascii_digit());
    well_formed.then(|| seconds.parse().ok()).flatten()
}

/// Previews a file and keeps it for the import (the pages' two steps: the committee
/// sees what each row would do, then imports what it saw). Files kept longer than a day
/// are removed on the way.
pub async fn stage(app: &App, caller: &Caller, community: i64, bytes: &[u8]) -> AppResult<Staged> {
    let community = CommunityId(community);
    may_keep_roll(app, caller, community).await?;
    let plan = plan(app, community, bytes).await?;
    remove_stale_uploads(app).await;
    if plan.refused > 0 {
        // Nothing to import until the file is mended: nothing to keep.
        return Ok(Staged {
            upload: String::new(),
            plan,
        });
    }
    let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes));
    let upload = format!("{}-{digest}", app.now().timestamp());
    app.blobs
        .put(&staged_key(community, &upload), bytes.to_vec())
        .await
        .map_err(|error| AppError::blob("keeping a previewed roll", &error))?;
    Ok(Staged { upload, plan })
}

/// Imports a file kept by [`stage`] and removes it. `accounts.roll_upload_gone` when
/// it is not (or no longer) kept: the committee uploads it again.
pub async fn import_staged(
    app: &App,
    caller: &Caller,
    community: i64,
    upload: &str,
) -> AppResult<RollPlan> {
    let id = CommunityId(community);
    may_keep_roll(app, caller, id).await?;
    if staged_at(upload).is_none() {
        return Err(file_error("accounts.roll_upload_gone"));
    }
    let key = staged_key(id, upload);
    let bytes = app
        .blobs
        .get(&key)
        .await
        .map_err(|error| AppError::blob("reading a previewed roll", &error))?
        .ok_or_else(|| file_error("accounts.roll_upload_gone"))?;
    let plan = import(app, caller, community, &bytes).await?;
    if let Err(error) = app.blobs.delete(&key).await {
        tracing::warn!(%error, key, "an imported roll file stays until the next sweep");
    }
    Ok(plan)
}

/// Removes kept files older than [`STAGED_FOR_HOURS`]; a failure is logged and left for
/// the next preview.
async fn remove_stale_uploads(app: &App) {
    let oldest = app.now().timestamp() - STAGED_FOR_HOURS * 3600;
    let keys = match app.blobs.keys_under(STAGED_FOLDER).await {
        Ok(keys) => keys,
        Err(error) => {
            tracing::warn!(%error, "listing previewed rolls failed");
            return;
        }
    };
    for key in keys {
        let stale = key
            .rsplit('/')
            .next()
            .and_then(staged_at)
            .is_none_or(|at| at < oldest);
        if stale && let Err(error) = app.blobs.delete(&key).await {
            tracing::warn!(%error, key, "removing a previewed roll failed");
        }
    }
}

/// The community's roll, for the export.
pub async fn roll(app: &App, caller: &Caller, community: i64) -> AppResult<Vec<RollLine>> {
    let community = CommunityId(community);
    may_keep_roll(app, caller, community).await?;
    Ok(app.store.roll(community).await?)
}
