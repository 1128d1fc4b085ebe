use super::anonymise;
use proptest::prelude::*;

fn names() -> Vec<String> {
    vec!["包爷叔".to_owned(), "唐女士".to_owned(), "小李".to_owned()]
}

#[test]
fn names_phones_and_rooms_are_taken_out_and_the_rest_stays() {
    assert_eq!(
        anonymise("7号楼302室包爷叔家平台上有酒瓶，电话13800000009", &names()),
        "7号楼**室**家平台上有酒瓶，电话***"
    );
    assert_eq!(
        anonymise("12号楼2单元1201门口，12月1日上午10点，花了100元", &names()),
        "12号楼2单元**门口，12月1日上午10点，花了100元"
    );
    assert_eq!(anonymise("唐女士在9号楼投喂", &names()), "**在9号楼投喂");
    assert_eq!(anonymise("3层楼道灯", &names()), "3层楼道灯");
}

proptest! {
    /// Whatever is written, no known name and no run of five digits is left, and
    /// anonymising twice changes nothing more.
    #[test]
    fn nothing_private_is_left(
        pieces in proptest::collection::vec(
            prop_oneof![
                Just("包爷叔".to_owned()), Just("唐女士".to_owned()), Just("小李".to_owned()),
                "[0-9]{1,12}", "[号楼室单元月日元层]{1}", "[a-z 平台楼道灯坏了]{0,6}",
            ],
            0..12,
        )
    ) {
        let text: String = pieces.concat();
        let shown = anonymise(&text, &names());
        for name in names() {
            prop_assert!(!shown.contains(&name), "{} in {}", name, shown);
        }
        let mut run = 0;
        for character in shown.chars() {
            run = if character.is_ascii_digit() { run + 1 } else { 0 };
            prop_assert!(run < 5, "{}", shown);
        }
        prop_assert_eq!(anonymise(&shown, &names()), shown.clone());
    }
}
