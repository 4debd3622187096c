//! WebAssembly debug images: frames of a wasm module with a known build id point into
//! `debug_meta.images` (`addr_mode: "rel:N"`), so the server can symbolicate their
//! `instruction_addr` against the module's debug file.
//!
//! Engines name a module's frames by where it came from. A module fetched with
//! `instantiateStreaming`/`compileStreaming` is named by its URL. One compiled from bytes gets a
//! made-up name: V8 prints `wasm://wasm/<module name>-<hash>`, Firefox the place that compiled
//! it (`<script> line N > WebAssembly.instantiate`), which names every module loaded through the
//! same call site alike. So a module from bytes is also known by where its code is: a frame
//! `wasm-function[N]:0xADDR` belongs to it when N is one of its own functions and ADDR falls in
//! its code section.

use std::ops::Range;

use crate::protocol::{DebugImage, DebugMeta, Event, Frame};

/// A wasm module the SDK saw load.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WasmModule {
    /// The name engines print in its frames: the URL it was fetched from, or the name V8 gives a
    /// module from bytes when it can be known (else empty).
    pub url: String,
    /// The `build_id` section, as hex.
    pub build_id: String,
    /// For a module from bytes: where its code is.
    pub code: Option<CodeRange>,
    /// Its name section's module name (`app.wasm`): JavaScriptCore prints that, not a URL,
    /// for its frames (`app.wasm.f@[wasm code]`). Empty when it has none.
    pub name: String,
    /// errorbeacon's own module: never the one a frame that names no module is taken for.
    pub own: bool,
}

/// Where a module's own code is: its function indices (after the imported ones) and the byte
/// range of its code section, as frames print them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeRange {
    pub functions: Range<u32>,
    pub bytes: Range<u64>,
}

impl WasmModule {
    /// Whether `url` is one it was fetched from (not a name an engine made up for bytes).
    fn fetched(&self) -> bool {
        !self.url.is_empty() && !engine_named(&self.url)
    }

    /// Whether this module's own code holds `frame`'s function index and address.
    fn holds(&self, frame: &Frame) -> bool {
        let (Some(code), Some(index), Some(addr)) = (&self.code, frame.function_id, frame.instruction_addr) else {
            return false;
        };
        u32::try_from(index.0).is_ok_and(|i| code.functions.contains(&i)) && code.bytes.contains(&addr.0)
    }
}

/// A name an engine made up for a module compiled from bytes (V8, Firefox), not a URL.
fn engine_named(path: &str) -> bool {
    path.starts_with("wasm://") || crate::text::contains(path, " > WebAssembly.")
}

/// JavaScriptCore's name for a module whose name section it has not read: one without a name
/// section, or one compiled while streaming before its name section (custom sections come last)
/// arrived, as on a slow network or a busy machine. Its frames belong to the one registered
/// module of the page's own that can print it: one without a module name, or one fetched from a
/// URL.
const UNNAMED: &str = "<?>";

/// The one module `pick` takes, none when it takes none or several. `dyn`: one copy for the
/// three ways a module is picked (wasm bytes).
fn only<'m>(modules: &'m [WasmModule], pick: &dyn Fn(&WasmModule) -> bool) -> Option<&'m WasmModule> {
    let mut found = None;
    for m in modules.iter().filter(|m| pick(m)) {
        if found.is_some() {
            return None;
        }
        found = Some(m);
    }
    found
}

/// The module a wasm frame ran in: the one registered under its name, else, for a name an
/// engine made up, the one module from bytes whose code holds it (none when two could).
fn module_of<'m>(modules: &'m [WasmModule], frame: &Frame, path: &str) -> Option<&'m WasmModule> {
    if let Some(m) = modules.iter().find(|m| !m.url.is_empty() && m.url == path) {
        return Some(m);
    }
    // JavaScriptCore's frames name the module by its name section: the one module so named
    // (none when two are).
    if path == UNNAMED {
        return only(modules, &|m| !m.own && (m.name.is_empty() || m.fetched()));
    }
    let named = |m: &WasmModule| !m.name.is_empty() && m.name == path;
    if modules.iter().any(named) {
        return only(modules, &named);
    }
    if !engine_named(path) {
        return None;
    }
    only(modules, &|m| m.holds(frame))
}

/// Attaches the images of `modules` that the event's wasm frames use, and points those frames
/// at them. An image's `code_file` is the name its frames print. Frames of unknown modules keep
/// absolute addresses.
pub fn attach_images(event: &mut Event, modules: &[WasmModule]) {
    if modules.is_empty() {
        return;
    }
    // (module, the name its frames print)
    let mut used: Vec<(&WasmModule, String)> = Vec::new();
    for ex in event.exception.as_mut().map_or(&mut [][..], |e| &mut e.values) {
        for frame in ex.stacktrace.as_mut().map_or(&mut [][..], |s| &mut s.frames) {
            if !frame.is_wasm() {
                continue;
            }
            let Some(path) = frame.abs_path.as_deref() else { continue };
            let Some(module) = module_of(modules, frame, path) else { continue };
            // A frame that names its module only by the name section (JavaScriptCore), or not at
            // all, gets the URL it was loaded from, when it was loaded from one.
            if (path == module.name || path == UNNAMED) && module.fetched() {
                frame.filename = Some(crate::stack::filename_of(&module.url).to_owned());
                frame.abs_path = Some(module.url.clone());
            }
            let path = frame.abs_path.as_deref().unwrap_or_default();
            let index = match used.iter().position(|(m, name)| std::ptr::eq(*m, module) && name == path) {
                Some(i) => i,
                None => {
                    used.push((module, path.to_owned()));
                    used.len() - 1
                }
            };
            // Without an address (JavaScriptCore prints none) there is nothing to relate to
            // the image; the image still says which build the frame ran in.
            if frame.instruction_addr.is_some() {
                frame.addr_mode = Some(["rel:", &crate::text::decimal(index as u64)].concat());
            }
        }
    }
    let mut images = Vec::with_capacity(used.len());
    for (m, name) in &used {
        // Every image or none: frames point into the list by index (`rel:N`).
        let Some(image) = DebugImage::wasm(name, &m.build_id) else { return };
        images.push(image);
    }
    if !images.is_empty() {
        event.debug_meta.get_or_insert_with(DebugMeta::default).images.extend(images);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{event_from_thrown, CaptureContext, ErrorLike, Thrown};
    use crate::protocol::{EventId, Timestamp};

    #[test]
    fn wasm_frames_point_into_the_images_they_use() {
        let stack = "Error: x\n    at m.wasm.a (http://h/a_bg.wasm:wasm-function[1]:0x10)\n    at m.wasm.b (http://h/b.wasm:wasm-function[2]:0x20)\n    at m.wasm.c (http://h/a_bg.wasm:wasm-function[3]:0x30)\n    at run (http://h/main.js:1:1)";
        let t = Thrown::Error(ErrorLike { message: Some("x".into()), stack: Some(stack.into()), ..Default::default() });
        let mut e = event_from_thrown(&t, &CaptureContext::default(), EventId([1; 16]), Timestamp(0));
        let modules = vec![
            url_module("http://h/unused.wasm", "ffff"),
            url_module("http://h/a_bg.wasm", "268fa3eef0d157dc9def1a1d4e46917d"),
        ];
        attach_images(&mut e, &modules);
        let frames = &e.main_exception().and_then(|x| x.stacktrace.as_ref()).expect("frames").frames;
        let modes: Vec<_> = frames.iter().map(|f| f.addr_mode.as_deref()).collect();
        assert_eq!(modes, [None, Some("rel:0"), None, Some("rel:0")]);
        let images = &e.debug_meta.as_ref().expect("debug_meta").images;
        assert_eq!(images.len(), 1);
        assert_eq!(images[0].code_file, "http://h/a_bg.wasm");
        assert_eq!(images[0].debug_id.as_deref(), Some("268fa3ee-f0d1-57dc-9def-1a1d4e46917d"));
    }

    #[test]
    fn javascriptcore_frames_get_the_url_of_the_module_their_name_section_names() {
        // JavaScriptCore (WebKitGTK 2.50): `<function>@<name section module name>:wasm-function[<index>]`,
        // no URL and no offset.
        let stack = "app::step::h0123456789abcdef@app.wasm:wasm-function[12]\nrun@http://h/main.js:1:1";
        let t = Thrown::Error(ErrorLike { message: Some("x".into()), stack: Some(stack.into()), ..Default::default() });
        let mut e = event_from_thrown(&t, &CaptureContext::default(), EventId([1; 16]), Timestamp(0));
        let module = WasmModule {
            name: "app.wasm".into(),
            ..url_module("http://h/pkg/app_bg.wasm", "268fa3eef0d157dc9def1a1d4e46917d")
        };
        attach_images(&mut e, &[url_module("http://h/other.wasm", "ffff"), module]);
        let frames = &e.main_exception().and_then(|x| x.stacktrace.as_ref()).expect("frames").frames;
        let wasm = frames.iter().find(|f| f.is_wasm()).expect("a wasm frame");
        assert_eq!(wasm.abs_path.as_deref(), Some("http://h/pkg/app_bg.wasm"));
        assert_eq!(wasm.filename.as_deref(), Some("/pkg/app_bg.wasm"));
        assert_eq!((wasm.instruction_addr, wasm.addr_mode.as_deref()), (None, None), "no address is invented");
        let images = &e.debug_meta.as_ref().expect("debug_meta").images;
        assert_eq!(images.len(), 1);
        assert_eq!(images[0].code_file, "http://h/pkg/app_bg.wasm");
        // Two modules of the same name: which one ran is not known, so neither is claimed.
        let mut e = event_from_thrown(&t, &CaptureContext::default(), EventId([1; 16]), Timestamp(0));
        let a = WasmModule { name: "app.wasm".into(), ..url_module("http://h/a.wasm", "aa") };
        let b = WasmModule { name: "app.wasm".into(), ..url_module("http://h/b.wasm", "bb") };
        attach_images(&mut e, &[a, b]);
        assert!(e.debug_meta.is_none());
    }

    #[test]
    fn javascriptcore_frames_without_a_module_name_belong_to_the_one_module_that_can_print_them() {
        // A module streamed on a busy machine: JavaScriptCore compiled its code before the name
        // section arrived, so neither its module name nor its function names are printed.
        let stack = "261@<?>:wasm-function[261]\n189@<?>:wasm-function[189]\nrun@http://h/main.js:1:1";
        let t = Thrown::Error(ErrorLike { message: Some("x".into()), stack: Some(stack.into()), ..Default::default() });
        let app = WasmModule { name: "app.wasm".into(), ..url_module("http://h/pkg/app_bg.wasm", "268fa3ee") };
        // A module from bytes with a name section always prints that name: not a candidate.
        let named_bytes = WasmModule { name: "lib.wasm".into(), ..bytes_module("bbbb", 3..50, 0x200..0x900) };
        // errorbeacon's own module has no name section either, but its frames are not the app's.
        let own = WasmModule {
            own: true,
            ..url_module("http://h/node_modules/errorbeacon/wasm/errorbeacon_bg.wasm", "eeee")
        };
        let mut e = event_from_thrown(&t, &CaptureContext::default(), EventId([1; 16]), Timestamp(0));
        attach_images(&mut e, &[own, named_bytes.clone(), app.clone()]);
        let frames = &e.main_exception().and_then(|x| x.stacktrace.as_ref()).expect("frames").frames;
        let wasm: Vec<_> = frames.iter().filter(|f| f.is_wasm()).collect();
        assert_eq!(wasm.len(), 2);
        for f in &wasm {
            assert_eq!(f.abs_path.as_deref(), Some("http://h/pkg/app_bg.wasm"));
            assert_eq!((f.function.as_deref(), f.instruction_addr), (None, None), "nothing is invented");
        }
        let images = &e.debug_meta.as_ref().expect("debug_meta").images;
        assert_eq!((images.len(), images[0].code_id.as_deref()), (1, Some("268fa3ee")));
        // Two modules that could have printed `<?>`: neither is claimed.
        let other = url_module("http://h/other.wasm", "ffff");
        let mut e = event_from_thrown(&t, &CaptureContext::default(), EventId([1; 16]), Timestamp(0));
        attach_images(&mut e, &[app, named_bytes, other]);
        assert!(e.debug_meta.is_none());
        let frames = &e.main_exception().and_then(|x| x.stacktrace.as_ref()).expect("frames").frames;
        assert!(frames.iter().filter(|f| f.is_wasm()).all(|f| f.abs_path.as_deref() == Some("<?>")));
    }

    fn url_module(url: &str, id: &str) -> WasmModule {
        WasmModule { url: url.into(), build_id: id.into(), code: None, name: String::new(), own: false }
    }

    fn bytes_module(id: &str, functions: Range<u32>, bytes: Range<u64>) -> WasmModule {
        WasmModule {
            url: String::new(),
            build_id: id.into(),
            code: Some(CodeRange { functions, bytes }),
            name: String::new(),
            own: false,
        }
    }

    /// The (addr_mode, image code_id) of each frame of a Firefox stack.
    fn resolve(stack: &str, modules: &[WasmModule]) -> Vec<Option<(String, String)>> {
        let t = Thrown::Error(ErrorLike { message: Some("x".into()), stack: Some(stack.into()), ..Default::default() });
        let mut e = event_from_thrown(&t, &CaptureContext::default(), EventId([1; 16]), Timestamp(0));
        attach_images(&mut e, modules);
        let images = e.debug_meta.as_ref().map(|d| d.images.clone()).unwrap_or_default();
        let frames = &e.main_exception().and_then(|x| x.stacktrace.as_ref()).expect("frames").frames;
        frames
            .iter()
            .map(|f| {
                let mode = f.addr_mode.clone()?;
                let n: usize = mode.strip_prefix("rel:")?.parse().ok()?;
                Some((mode, images.get(n)?.code_id.clone()?))
            })
            .collect()
    }

    #[test]
    fn modules_from_bytes_are_told_apart_by_where_their_code_is() {
        // Firefox names both modules after the one call site that compiled them.
        let stack = "a@http://h/pkg.js line 238 > WebAssembly.instantiate:wasm-function[262]:0x2c1c5\n\
                     b@http://h/pkg.js line 238 > WebAssembly.instantiate:wasm-function[7]:0x300\n\
                     c@http://h/main.js:1:1\n";
        let modules = [bytes_module("aaaa", 12..300, 0x1000..0x30000), bytes_module("bbbb", 3..50, 0x200..0x900)];
        let got = resolve(stack, &modules);
        let want = |m: &str, id: &str| Some((m.to_owned(), id.to_owned()));
        // Oldest first: c, b, a.
        assert_eq!(got, [None, want("rel:0", "bbbb"), want("rel:1", "aaaa")]);
    }

    #[test]
    fn a_frame_two_modules_could_hold_gets_no_image() {
        let stack = "a@http://h/pkg.js line 9 > WebAssembly.Module:wasm-function[20]:0x400\n";
        let modules = [bytes_module("aaaa", 12..300, 0x100..0x30000), bytes_module("bbbb", 3..50, 0x200..0x900)];
        assert_eq!(resolve(stack, &modules), [None]);
    }

    #[test]
    fn v8_names_of_modules_from_bytes_match_exactly_and_urls_only_by_name() {
        let stack = "Error: x\n    at m.wasm.a (wasm://wasm/m.wasm-000d167a:wasm-function[20]:0x400)\n    at m.wasm.b (http://h/other.wasm:wasm-function[20]:0x400)";
        let named = WasmModule { url: "wasm://wasm/m.wasm-000d167a".into(), ..bytes_module("aaaa", 0..1, 0..1) };
        let fits = bytes_module("bbbb", 3..50, 0x200..0x900);
        // The exact name wins over another module whose code would fit; a URL is never guessed.
        let got = resolve(stack, &[fits, named]);
        assert_eq!(got, [None, Some(("rel:0".to_owned(), "aaaa".to_owned()))]);
    }

    #[test]
    fn an_address_outside_the_code_section_or_an_imported_function_does_not_fit() {
        let m = [bytes_module("aaaa", 12..300, 0x1000..0x30000)];
        for frame in [
            "wasm-function[11]:0x2000",
            "wasm-function[300]:0x2000",
            "wasm-function[20]:0xfff",
            "wasm-function[20]:0x30000",
        ] {
            let stack = format!("a@wasm://wasm/0000abcd:{frame}\n");
            assert_eq!(resolve(&stack, &m), [None], "{frame}");
        }
    }
}
