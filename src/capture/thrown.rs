//! What was thrown, as plain data: the one thing the wasm binding fills in.

use crate::protocol::Value;

/// Anything JavaScript can throw or reject with, read defensively by the binding.
#[derive(Clone, Debug, PartialEq)]
pub enum Thrown {
    /// An `Error` (any subclass, `DOMException`, `WebAssembly.Exception`), or an object that
    /// carries a string `message` or `stack` (errors from another realm look like this).
    Error(ErrorLike),
    /// An `error` event that carried no usable `.error`, e.g. `"Script error."` from a
    /// cross-origin script: only its message and location are known.
    ErrorEvent {
        /// `event.message`.
        message: Option<String>,
        /// `event.filename`.
        filename: Option<String>,
        /// `event.lineno`.
        lineno: Option<u32>,
        /// `event.colno`.
        colno: Option<u32>,
    },
    /// A primitive value.
    Primitive(Primitive),
    /// A non-Error object: its class name, its own keys, and a bounded copy of its data.
    Object {
        /// Constructor name, when it is not plain `Object`.
        class: Option<String>,
        /// Own enumerable keys, in order.
        keys: Vec<String>,
        /// The object's data, bounded in depth and size.
        value: Value,
    },
    /// A function.
    Function {
        /// Its `name`, when it has one.
        name: Option<String>,
    },
    /// A value that could not be read at all (a Proxy whose every trap throws).
    Unreadable {
        /// What went wrong when reading it.
        reason: String,
    },
    /// A `cause` or child that already appeared higher up the chain: the cycle is cut here.
    Circular,
}

/// The readable parts of an Error.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorLike {
    /// Constructor name (`TypeError`, `DOMException`, a user's class).
    pub class: Option<String>,
    /// `error.name`.
    pub name: Option<String>,
    /// `error.message`.
    pub message: Option<String>,
    /// `error.stack`, when it is a string.
    pub stack: Option<String>,
    /// `DOMException.code`, when it is one.
    pub dom_code: Option<u32>,
    /// `error.cause`.
    pub cause: Option<Box<Thrown>>,
    /// `AggregateError.errors`.
    pub errors: Vec<Thrown>,
}

/// A JavaScript primitive. Numbers keep the text JavaScript printed for them (`String(n)`),
/// so `NaN`, `-0` and `1e21` survive as they were.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Primitive {
    /// A string.
    String(String),
    /// A number, as `String(n)` printed it.
    Number(String),
    /// A BigInt, as `String(n)` printed it.
    BigInt(String),
    /// A boolean.
    Boolean(bool),
    /// A symbol and its description.
    Symbol(Option<String>),
    /// `undefined`.
    Undefined,
    /// `null`.
    Null,
}

impl Primitive {
    /// `typeof` of the value (`"object"` for null is reported as `"null"`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Primitive::String(_) => "string",
            Primitive::Number(_) => "number",
            Primitive::BigInt(_) => "bigint",
            Primitive::Boolean(_) => "boolean",
            Primitive::Symbol(_) => "symbol",
            Primitive::Undefined => "undefined",
            Primitive::Null => "null",
        }
    }

    /// The value as `String(value)` shows it (BigInts with their `n`).
    pub fn display(&self) -> String {
        match self {
            Primitive::String(s) => s.clone(),
            Primitive::Number(n) => n.clone(),
            Primitive::BigInt(n) => [n.as_str(), "n"].concat(),
            Primitive::Boolean(b) => if *b { "true" } else { "false" }.to_owned(),
            Primitive::Symbol(d) => ["Symbol(", d.as_deref().unwrap_or(""), ")"].concat(),
            Primitive::Undefined => "undefined".into(),
            Primitive::Null => "null".into(),
        }
    }
}
