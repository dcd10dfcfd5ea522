//! Questionnaires and checklists in the window: the form renderer ([`FormFill`]), what it
//! needs to know between answers ([`state`]), and a form's results drawn ([`results_ui`]).

mod fill;
mod inputs;
pub mod results_ui;
pub mod state;

pub use fill::FormFill;
pub use state::AnswerPath;
