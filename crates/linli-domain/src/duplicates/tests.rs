#![allow(clippy::unwrap_used)]

use super::*;
use proptest::prelude::*;

#[test]
fn neighbours_describing_the_same_lamp_are_alike() {
    assert!(likely_same("7号楼门口路灯坏了", "7号楼路灯不亮了"));
    assert!(likely_same("楼下广场舞音响太响", "广场舞音响太吵"));
    assert!(!likely_same("7号楼门口路灯坏了", "流浪猫在车库生了小猫"));
    assert_eq!(similarity("LED灯闪", "led灯闪"), 1.0, "Latin in any case");
    assert_eq!(
        similarity("，。！", "路灯"),
        0.0,
        "punctuation alone says nothing"
    );
    assert_eq!(similarity("猫", "猫"), 1.0);
}

proptest! {
    /// A share in [0, 1], the same both ways, and 1 for a text with itself.
    #[test]
    fn similarity_is_a_symmetric_share(one in "[猫灯楼7a-cA-C ，]{0,30}", other in "[猫灯楼7a-c ，]{0,30}") {
        let forth = similarity(&one, &other);
        prop_assert!((0.0..=1.0).contains(&forth));
        prop_assert_eq!(forth, similarity(&other, &one));
        if one.chars().any(char::is_alphanumeric) {
            prop_assert_eq!(similarity(&one, &one), 1.0);
        }
    }
}
