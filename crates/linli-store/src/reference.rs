//! Reference data that nearly every request reads and almost nothing writes: the
//! communities, their categories and the working calendar. Each instance keeps a copy for a few seconds, so a
//! report or a page does not read them again. This instance's own writes replace its
//! copy at once; another instance's writes reach it within [`FRESH_FOR`] (a new category
//! or changed time limit shows there a few seconds later, which no rule depends on).

use crate::categories::Category;
use crate::registry::Community;
use linli_domain::calendar::WorkingCalendar;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a copy is used before it is read again.
pub(crate) const FRESH_FOR: Duration = Duration::from_secs(5);

struct Copy<T> {
    read_at: Instant,
    value: Arc<T>,
}

impl<T> Copy<T> {
    fn fresh(&self) -> Option<Arc<T>> {
        (self.read_at.elapsed() < FRESH_FOR).then(|| Arc::clone(&self.value))
    }
}

#[derive(Default)]
pub(crate) struct ReferenceCache {
    communities: Mutex<Option<Copy<Vec<Community>>>>,
    categories: Mutex<HashMap<i64, Copy<Vec<Category>>>>,
    calendar: Mutex<Option<Copy<WorkingCalendar>>>,
}

impl std::fmt::Debug for ReferenceCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReferenceCache").finish_non_exhaustive()
    }
}

impl ReferenceCache {
    pub(crate) fn communities(&self) -> Option<Arc<Vec<Community>>> {
        self.communities
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .and_then(Copy::fresh)
    }

    pub(crate) fn keep_communities(&self, communities: Vec<Community>) -> Arc<Vec<Community>> {
        let value = Arc::new(communities);
        *self
            .communities
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Copy {
            read_at: Instant::now(),
            value: Arc::clone(&value),
        });
        value
    }

    pub(crate) fn forget_communities(&self) {
        *self
            .communities
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    pub(crate) fn categories(&self, community: i64) -> Option<Arc<Vec<Category>>> {
        self.categories
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&community)
            .and_then(Copy::fresh)
    }

    /// A category by id, from whichever community's fresh copy holds it.
    pub(crate) fn category(&self, id: i64) -> Option<Category> {
        self.categories
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .filter_map(Copy::fresh)
            .find_map(|categories| {
                categories
                    .iter()
                    .find(|category| category.id == id)
                    .cloned()
            })
    }

    pub(crate) fn keep_categories(
        &self,
        community: i64,
        categories: Vec<Category>,
    ) -> Arc<Vec<Category>> {
        let value = Arc::new(categories);
        self.categories
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                community,
                Copy {
                    read_at: Instant::now(),
                    value: Arc::clone(&value),
                },
            );
        value
    }

    pub(crate) fn calendar(&self) -> Option<Arc<WorkingCalendar>> {
        self.calendar
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .and_then(Copy::fresh)
    }

    pub(crate) fn keep_calendar(&self, calendar: WorkingCalendar) -> Arc<WorkingCalendar> {
        let value = Arc::new(calendar);
        *self.calendar.lock().unwrap_or_else(PoisonError::into_inner) = Some(Copy {
            read_at: Instant::now(),
            value: Arc::clone(&value),
        });
        value
    }

    pub(crate) fn forget_calendar(&self) {
        *self.calendar.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    pub(crate) fn forget_categories(&self, community: i64) {
        self.categories
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&community);
    }
}
