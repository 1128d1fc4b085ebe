use std::fmt;

/// A rejected value: `code` is the stable machine code (`registry.login_invalid`), `field`
/// names the input it came from so a form can show the message next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub code: &'static str,
    pub field: &'static str,
}

impl ValidationError {
    pub const fn new(code: &'static str, field: &'static str) -> Self {
        Self { code, field }
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
