//! WebAssembly debug images, decided while frames are written: a wasm frame of a module with a
//! known build id points into `debug_meta.images` (`addr_mode: "rel:N"`), so the server can
//! symbolicate its `instruction_addr` against the module's debug file.
//!
//! The rules of [`crate::capture::attach_images`] (whose tests are their oracle, and this
//! module's tests compare the two): a frame belongs to the module registered under the name
//! it prints; JavaScriptCore prints the name section's module name (or `<?>` before it read
//! it), and such a frame gets the URL its module was fetched from; a module compiled from
//! bytes, which engines name after where it was compiled, is known by where its code is.

use super::out::Out;
use crate::stack::line::{self, find};

/// A wasm module the SDK saw load. Registered only with a build id (js/wasm-modules.js).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Module<'a> {
    /// The name engines print for its frames: the URL it was fetched from, or V8's name for a
    /// module from bytes when it can be known (else empty).
    pub url: &'a [u8],
    /// Its `build_id` section as hex.
    pub build_id: &'a [u8],
    /// Its name section's module name (`app.wasm`; empty: none).
    pub name: &'a [u8],
    /// For a module from bytes: its own functions' indices, and its code section's bytes
    /// (empty ranges: not known).
    pub functions: (u32, u32),
    pub code: (u64, u64),
    /// errorbeacon's own module.
    pub own: bool,
}

impl Module<'_> {
    /// Whether `url` is one it was fetched from, not a name an engine made up.
    fn fetched(&self) -> bool {
        !self.url.is_empty() && !engine_named(self.url)
    }

    /// Whether its own code holds this function index and address.
    fn holds(&self, index: Option<u32>, addr: Option<u64>) -> bool {
        let (Some(i), Some(a)) = (index, addr) else { return false };
        let (f, c) = (self.functions, self.code);
        f.0 < f.1 && c.0 < c.1 && (f.0..f.1).contains(&i) && (c.0..c.1).contains(&a)
    }
}

/// A name an engine made up for a module compiled from bytes (V8, Firefox), not a URL.
fn engine_named(path: &[u8]) -> bool {
    path.starts_with(b"wasm://") || find(path, b" > WebAssembly.", 0).is_some()
}

/// Images in one event: more distinct modules than this in one event's frames keep absolute
/// addresses for the rest.
pub const MAX_IMAGES: usize = 16;

/// The modules an event's frames use, in the order they are first met.
pub struct Images<'a> {
    modules: &'a [Module<'a>],
    /// (module index, the name its frames print).
    used: [(usize, &'a [u8]); MAX_IMAGES],
    n: usize,
}

impl<'a> Images<'a> {
    pub fn new(modules: &'a [Module<'a>]) -> Images<'a> {
        Images { modules, used: [(0, b""); MAX_IMAGES], n: 0 }
    }

    /// The one module `pick` takes; none when none or several do.
    fn only(&self, pick: &dyn Fn(&Module<'_>) -> bool) -> Option<usize> {
        let mut found = None;
        for (i, m) in self.modules.iter().enumerate() {
            if pick(m) {
                if found.is_some() {
                    return None;
                }
                found = Some(i);
            }
        }
        found
    }

    /// The module a wasm frame printing `path` ran in.
    fn module_of(&self, path: &[u8], index: Option<u32>, addr: Option<u64>) -> Option<usize> {
        if let Some(i) = self.modules.iter().position(|m| !m.url.is_empty() && m.url == path) {
            return Some(i);
        }
        if path == b"<?>" {
            return self.only(&|m| !m.own && (m.name.is_empty() || m.fetched()));
        }
        if self.modules.iter().any(|m| !m.name.is_empty() && m.name == path) {
            return self.only(&|m| !m.name.is_empty() && m.name == path);
        }
        if !engine_named(path) {
            return None;
        }
        self.only(&|m| m.holds(index, addr))
    }

    /// For a wasm frame printing `path`: the path it should show (its module's URL when it
    /// named the module only by its name section, or not at all) and its image's index.
    pub(crate) fn place(&mut self, path: &'a [u8], index: Option<u32>, addr: Option<u64>) -> Option<(&'a [u8], usize)> {
        let mi = self.module_of(path, index, addr)?;
        let m = self.modules.get(mi)?;
        let shown = if (path == m.name || path == b"<?>") && m.fetched() { m.url } else { path };
        let used = self.used.get(..self.n).unwrap_or_default();
        let at = match used.iter().position(|&(i, p)| i == mi && p == shown) {
            Some(at) => at,
            None => {
                let slot = self.used.get_mut(self.n)?;
                *slot = (mi, shown);
                self.n += 1;
                self.n - 1
            }
        };
        Some((shown, at))
    }

    /// `,"debug_meta":{"images":[…]}` for the modules used (nothing when none).
    pub fn write(&self, out: &mut Out) {
        if self.n == 0 {
            return;
        }
        out.raw(b",\"debug_meta\":{\"images\":[");
        for &(mi, code_file) in self.used.get(..self.n).unwrap_or_default() {
            let Some(m) = self.modules.get(mi) else { continue };
            out.comma();
            out.raw(b"{\"type\":\"wasm\"");
            out.field("code_file", code_file, usize::MAX);
            out.key("code_id");
            out.byte(b'"');
            for &b in m.build_id {
                out.byte(b.to_ascii_lowercase());
            }
            out.byte(b'"');
            // Sentry's rule: the build id padded with zeros to 16 bytes (and cut), as a UUID.
            out.raw(b",\"debug_id\":\"");
            for i in 0..32 {
                if matches!(i, 8 | 12 | 16 | 20) {
                    out.byte(b'-');
                }
                out.byte(m.build_id.get(i).map_or(b'0', u8::to_ascii_lowercase));
            }
            out.raw(b"\"}");
        }
        out.raw(b"]}");
    }
}

/// The filename a frame at `abs_path` shows.
pub(crate) fn filename(abs_path: &[u8]) -> &[u8] {
    line::facts(abs_path, b"").filename
}

/// Whether `build_id` is what a module can be registered with: 1 to 64 bytes of hex.
pub fn valid_build_id(build_id: &[u8]) -> bool {
    !build_id.is_empty() && build_id.len() <= 128 && build_id.iter().all(u8::is_ascii_hexdigit)
}
