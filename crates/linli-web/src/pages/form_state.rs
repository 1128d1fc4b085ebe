//! The state of a page's forms after a refusal: which form was refused, why, and what
//! was typed, so that the page shows the refusal beside the field and keeps the input.

use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::FormErrors;
use crate::pages::meetings::{Fields, all, get};
use axum::http::StatusCode;

/// A form refused on a page with several forms: which form, why, and what was typed.
pub struct Refused {
    pub form: String,
    pub errors: FormErrors,
    pub kept: Fields,
    pub status: StatusCode,
}

/// What a page's templates ask about its forms: what was typed in the refused one, and
/// why it was refused.
pub struct Forms {
    pub refused: Option<Refused>,
}

impl Forms {
    pub fn kept(&self, form: &str, field: &str) -> String {
        match &self.refused {
            Some(refused) if refused.form == form => get(&refused.kept, field).to_owned(),
            _ => String::new(),
        }
    }

    pub fn error(&self, form: &str, field: &str) -> String {
        match &self.refused {
            Some(refused) if refused.form == form => refused.errors.of(field),
            _ => String::new(),
        }
    }

    /// A refusal not about one field (a full shift), or the note that fields are wrong.
    pub fn general(&self, form: &str) -> String {
        match &self.refused {
            Some(refused) if refused.form == form => match &refused.errors.general {
                Some(general) => general.clone(),
                None => text("page.form.refused", &[]),
            },
            _ => String::new(),
        }
    }

    /// Whether a refused form had this box ticked (`default` for a fresh form).
    pub fn ticked(&self, form: &str, field: &str, value: &str, default: bool) -> bool {
        match &self.refused {
            Some(refused) if refused.form == form => all(&refused.kept, field).contains(&value),
            _ => default,
        }
    }

    pub fn is(&self, form: &str) -> bool {
        self.refused
            .as_ref()
            .is_some_and(|refused| refused.form == form)
    }
}

/// A refusal a form can show beside its fields: bad input or a conflict; a missing
/// thing, a forbidden act or a fault is the error page.
pub fn shown_beside_form(error: &ApiError) -> bool {
    error.status.is_client_error()
        && error.status != StatusCode::NOT_FOUND
        && error.status != StatusCode::FORBIDDEN
}
