use std::fmt;

/// A rejected value: `code` is the stable machine code (`registry.login_invalid`), `field`
/// names the input it came from so a form can show the message next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub code: &'static str,
    pub field: &'static str,
    /// The most characters the field takes, for a value too long (the message states it).
    pub max: Option<usize>,
}

impl ValidationError {
    pub const fn new(code: &'static str, field: &'static str) -> Self {
        Self {
            code,
            field,
            max: None,
        }
    }

    /// More than `max` characters.
    pub const fn too_long(field: &'static str, max: usize) -> Self {
        Self {
            code: "validation.too_long",
            field,
            max: Some(max),
        }
    }

    /// The same fault, of the input named `field` (a phone number parsed for the
    /// `visitor_phone` of a form).
    pub const fn in_field(mut self, field: &'static str) -> Self {
        self.field = field;
        self
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code, self.field)
    }
}

impl std::error::Error for ValidationError {}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("invalid input: {0}")]
    Invalid(#[from] ValidationError),
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
}
