//! The committee's roll (居委会的住户名册) as a spreadsheet: the columns it keeps, and the
//! rules of one row. The file is read elsewhere; this parses what its cells say.

use super::MobilePhone;
use crate::error::ValidationError;
use crate::registry::{Name, RoomRelation};

/// The columns, as the committee heads them. 面积 may be left out.
pub const COLUMNS: [&str; 7] = ["楼号", "单元", "室", "姓名", "手机", "身份", "面积"];

/// Most rows one file may hold (城上城 has some 6,000 residents).
pub const MAX_ROWS: usize = 20_000;

/// Where each column is in the file (its index), found from the header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    columns: [Option<usize>; 7],
}

impl Header {
    /// The header from the first row's cells; `accounts.roll_columns` if one of the
    /// required columns (all but 面积) is missing.
    pub fn parse(cells: &[String]) -> Result<Self, ValidationError> {
        let mut columns = [None; 7];
        for (index, cell) in cells.iter().enumerate() {
            let name = cell.trim().trim_start_matches('\u{feff}');
            if let Some(column) = COLUMNS.iter().position(|known| *known == name) {
                columns[column].get_or_insert(index);
            }
        }
        if columns[..6].iter().any(Option::is_none) {
            return Err(ValidationError::new("accounts.roll_columns", "file"));
        }
        Ok(Self { columns })
    }

    fn cell<'a>(&self, cells: &'a [String], column: usize) -> &'a str {
        self.columns[column]
            .and_then(|index| cells.get(index))
            .map_or("", |cell| cell.trim())
    }
}

/// One row of the roll, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollEntry {
    /// The building's number (`7` from `7`, `7号`, `7号楼`).
    pub building: String,
    pub unit: String,
    pub room: String,
    pub name: Name,
    pub phone: MobilePhone,
    pub relation: RoomRelation,
    /// Floor area in hundredths of a m², when given.
    pub area_hundredths_m2: Option<i64>,
}

/// A number as people write it in an address: `7号楼` → `7`, `1单元` → `1`, `302室` → `302`.
fn address_part(raw: &str, suffixes: &[&str]) -> String {
    let mut part = raw.trim();
    for suffix in suffixes {
        part = part.strip_suffix(suffix).unwrap_or(part).trim();
    }
    // A number read from a spreadsheet cell may come as `7.0`.
    part.strip_suffix(".0").unwrap_or(part).to_owned()
}

/// 业主, 家属 or 租户 (or their English names).
pub fn parse_relation(raw: &str) -> Result<RoomRelation, ValidationError> {
    match raw.trim() {
        "业主" | "owner" => Ok(RoomRelation::Owner),
        "家属" | "family" => Ok(RoomRelation::Family),
        "租户" | "tenant" => Ok(RoomRelation::Tenant),
        _ => Err(ValidationError::new("accounts.roll_relation", "身份")),
    }
}

/// A floor area in m² (`89.5`, `89.50㎡`) as hundredths; more than two decimals, zero,
/// negative or above 100,000 m² are refused.
pub fn parse_area(raw: &str) -> Result<Option<i64>, ValidationError> {
    let raw = raw
        .trim()
        .trim_end_matches("平方米")
        .trim_end_matches('㎡')
        .trim_end_matches("m2")
        .trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let invalid = || ValidationError::new("accounts.roll_area", "面积");
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || whole.len() > 6
    {
        return Err(invalid());
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 2 {
        return Err(invalid());
    }
    let whole: i64 = whole.parse().map_err(|_| invalid())?;
    let hundredths: i64 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
    let area = whole * 100 + hundredths;
    if area <= 0 || area > 10_000_000 {
        return Err(invalid());
    }
    Ok(Some(area))
}

/// Parses a row; every problem is named by its column.
pub fn parse_row(header: &Header, cells: &[String]) -> Result<RollEntry, Vec<ValidationError>> {
    let mut problems = Vec::new();
    let mut required = |column: usize| {
        let value = header.cell(cells, column);
        if value.is_empty() {
            problems.push(ValidationError::new("validation.required", COLUMNS[column]));
        }
        value.to_owned()
    };
    let building = address_part(&required(0), &["号楼", "号", "幢", "栋"]);
    let unit = address_part(&required(1), &["单元"]);
    let room = address_part(&required(2), &["室"]);
    let name =
        Name::parse(header.cell(cells, 3), "姓名", 40).map_err(|error| error.in_field("姓名"));
    let phone = MobilePhone::parse(header.cell(cells, 4)).map_err(|error| error.in_field("手机"));
    let relation = parse_relation(header.cell(cells, 5));
    let area = parse_area(header.cell(cells, 6));
    let (name, phone, relation, area) = (
        name.map_err(|error| problems.push(error)).ok(),
        phone.map_err(|error| problems.push(error)).ok(),
        relation.map_err(|error| problems.push(error)).ok(),
        area.map_err(|error| problems.push(error)).ok(),
    );
    match (name, phone, relation, area) {
        (Some(name), Some(phone), Some(relation), Some(area_hundredths_m2))
            if problems.is_empty() =>
        {
            Ok(RollEntry {
                building,
                unit,
                room,
                name,
                phone,
                relation,
                area_hundredths_m2,
            })
        }
        _ => Err(problems),
    }
}

/// What a row of the roll does to the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOutcome {
    /// A new account (and its room).
    Created,
    /// An account that exists gets a new room, relation, name or floor area.
    Changed,
    /// Everything is as the row says already.
    Unchanged,
    /// The row is wrong; nothing of it is written.
    Refused,
}

impl RowOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Changed => "changed",
            Self::Unchanged => "unchanged",
            Self::Refused => "refused",
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|cell| (*cell).to_owned()).collect()
    }

    #[test]
    fn the_header_finds_its_columns_in_any_order() {
        let header =
            Header::parse(&strings(&["姓名", "楼号", "单元", "室", "手机", "身份"])).unwrap();
        let row = parse_row(
            &header,
            &strings(&["包爷叔", "7号楼", "1单元", "302室", "13800000007", "业主"]),
        )
        .unwrap();
        assert_eq!(
            (row.building.as_str(), row.unit.as_str(), row.room.as_str()),
            ("7", "1", "302")
        );
        assert_eq!(row.area_hundredths_m2, None);
        assert_eq!(
            Header::parse(&strings(&["楼号", "单元", "室", "姓名"]))
                .err()
                .map(|e| e.code),
            Some("accounts.roll_columns")
        );
    }

    #[test]
    fn a_bad_row_names_every_column_at_fault() {
        let header = Header::parse(&strings(&COLUMNS)).unwrap();
        let problems = parse_row(
            &header,
            &strings(&["7", "", "302", "", "1380000", "房东", "-3"]),
        )
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|problem| problem.field).collect();
        assert_eq!(fields, ["单元", "姓名", "手机", "身份", "面积"]);
    }

    #[test]
    fn areas_are_hundredths() {
        assert_eq!(parse_area("89.5"), Ok(Some(8950)));
        assert_eq!(parse_area("89.50㎡"), Ok(Some(8950)));
        assert_eq!(parse_area("120"), Ok(Some(12000)));
        assert_eq!(parse_area(""), Ok(None));
        for bad in ["0", "-3", "1.234", "abc", "1e3", "9999999"] {
            assert!(parse_area(bad).is_err(), "{bad}");
        }
    }
}
