//! A small JSON writer for the protocol types (being written; see the module docs once done).
