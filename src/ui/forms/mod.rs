//! Questionnaires and checklists in the window: the form renderer ([`FormFill`]) and what it
//! needs to know between answers ([`state`]).

mod fill;
mod inputs;
pub mod state;

pub use fill::FormFill;
pub use state::AnswerPath;
