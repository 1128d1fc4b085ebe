use super::*;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 27, 1, 30, 0)
        .single()
        .unwrap_or_default()
}

#[test]
fn mobile_numbers_are_eleven_digits_starting_with_one() {
    assert_eq!(
        MobilePhone::parse(" 138 0013-8000 ").map(|p| p.as_str().to_owned()),
        Ok("13800138000".to_owned())
    );
    assert_eq!(
        MobilePhone::parse("+8613800138000").map(|p| p.as_str().to_owned()),
        Ok("13800138000".to_owned())
    );
    for bad in [
        "1380013800",
        "138001380001",
        "23800138000",
        "1380013800a",
        "",
        "021-62345678",
    ] {
        assert_eq!(
            MobilePhone::parse(bad).err().map(|e| e.code),
            Some("accounts.phone_invalid"),
            "{bad}"
        );
    }
}

#[test]
fn codes_are_six_digits() {
    assert!(PhoneCode::parse("012345").is_ok());
    assert!(PhoneCode::parse(" 012345 ").is_ok());
    for bad in ["12345", "1234567", "12a456", "", "１２３４５６"] {
        assert_eq!(
            PhoneCode::parse(bad).err().map(|e| e.code),
            Some("accounts.code_malformed"),
            "{bad}"
        );
    }
    assert_eq!(PhoneCode::from_random([0, 0, 0, 0]).expose(), "000000");
    assert_eq!(PhoneCode::from_random([255; 4]).expose().len(), 6);
    assert_eq!(
        format!("{:?}", PhoneCode::from_random([1; 4])),
        "PhoneCode(******)"
    );
}

#[test]
fn digests_compare_whole() {
    assert!(same_digest(b"abc", b"abc"));
    assert!(!same_digest(b"abc", b"abd"));
    assert!(!same_digest(b"abc", b"ab"));
}

#[test]
fn limits_per_number_and_address() {
    let now = now();
    assert_eq!(code_wait(&CodeRequests::default(), now), None);
    let recent = CodeRequests {
        to_phone: 1,
        last_to_phone: Some(now - Duration::seconds(20)),
        from_address: 1,
    };
    assert_eq!(code_wait(&recent, now), Some(40));
    let waited = CodeRequests {
        last_to_phone: Some(now - Duration::seconds(60)),
        ..recent
    };
    assert_eq!(code_wait(&waited, now), None);
    let many = CodeRequests {
        to_phone: CODES_PER_PHONE,
        ..waited
    };
    assert_eq!(code_wait(&many, now), Some(3600));
    let busy_address = CodeRequests {
        from_address: CODES_PER_ADDRESS,
        ..CodeRequests::default()
    };
    assert_eq!(code_wait(&busy_address, now), Some(3600));
}

#[test]
fn committees_decide_their_claims() {
    use crate::registry::OrganisationKind;
    assert!(may_decide(
        OrganisationKind::ResidentsCommittee,
        RoomRelation::Tenant
    ));
    assert!(may_decide(
        OrganisationKind::ResidentsCommittee,
        RoomRelation::Owner
    ));
    assert!(may_decide(
        OrganisationKind::OwnersCommittee,
        RoomRelation::Owner
    ));
    assert!(!may_decide(
        OrganisationKind::OwnersCommittee,
        RoomRelation::Family
    ));
    assert!(!may_decide(
        OrganisationKind::PropertyCompany,
        RoomRelation::Owner
    ));
    assert_eq!(
        deciding_committee(RoomRelation::Owner),
        OrganisationKind::OwnersCommittee
    );
}
