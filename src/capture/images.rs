//! WebAssembly debug images: frames of a wasm module with a known build id point into
//! `debug_meta.images` (`addr_mode: "rel:N"`), so the server can symbolicate their
//! `instruction_addr` against the module's debug file.

use crate::protocol::{DebugImage, DebugMeta, Event};

/// Attaches the images of `modules` (URL as the engine prints it, build id) that the event's
/// wasm frames use, and points those frames at them. Frames of unknown modules keep absolute
/// addresses.
pub fn attach_images(event: &mut Event, modules: &[(String, String)]) {
    if modules.is_empty() {
        return;
    }
    let mut used: Vec<&(String, String)> = Vec::new();
    for ex in event.exception.iter_mut().flat_map(|e| e.values.iter_mut()) {
        for frame in ex.stacktrace.iter_mut().flat_map(|s| s.frames.iter_mut()) {
            if !frame.is_wasm() {
                continue;
            }
            let Some(path) = frame.abs_path.as_deref() else { continue };
            let Some(module) = modules.iter().find(|(url, _)| url == path) else { continue };
            let index = match used.iter().position(|m| std::ptr::eq(*m, module)) {
                Some(i) => i,
                None => {
                    used.push(module);
                    used.len() - 1
                }
            };
            frame.addr_mode = Some(["rel:", &crate::text::decimal(index as u64)].concat());
        }
    }
    let images: Vec<DebugImage> = used.iter().filter_map(|(url, id)| DebugImage::wasm(url, id)).collect();
    if images.len() == used.len() && !images.is_empty() {
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
            ("http://h/unused.wasm".to_owned(), "ffff".to_owned()),
            ("http://h/a_bg.wasm".to_owned(), "268fa3eef0d157dc9def1a1d4e46917d".to_owned()),
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
}
