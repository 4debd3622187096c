//! Sentry protocol v7 as plain serde types: what an event and an envelope contain.
//!
//! Every optional field is skipped when empty, so the JSON carries only what was captured.

mod breadcrumb;
mod context;
mod debug_meta;
mod event;
mod exception;
mod frame;
mod ids;
mod level;
mod map;
mod request;
mod sdk;
mod user;
mod value;

pub use breadcrumb::Breadcrumb;
pub use context::Contexts;
pub use debug_meta::{DebugImage, DebugMeta};
pub use event::{Event, LogEntry};
pub use exception::{Exception, Mechanism, Values};
pub use frame::{Addr, Frame, Stacktrace};
pub use ids::{EventId, Timestamp};
pub use level::Level;
pub use map::SortedMap;
pub use request::Request;
pub use sdk::{ClientReport, ClientSdkInfo, ClientSdkPackage, DiscardedEvent, SdkSettings, SDK_NAME, SDK_VERSION};
pub use user::User;
pub use value::{Map, Value};
