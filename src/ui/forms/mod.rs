//! Questionnaires and checklists in the window: the form renderer ([`FormFill`]) and what it
//! needs to know between answers ([`state`]); the response editor, the forms section of a
//! visit's editor, the Forms view with its responses table and results.

mod fill;
pub mod forms_view;
mod inputs;
pub mod response_editor;
pub mod responses_table;
pub mod results_ui;
pub mod results_view;
pub mod state;
pub mod summary_forms;
pub mod visit_forms;

pub use fill::FormFill;
pub use forms_view::FormsView;
pub use response_editor::{ResponseEditor, ResponseSave};
pub use state::AnswerPath;
pub use visit_forms::VisitForms;
