use super::*;
use crate::protocol::Map;

fn ctx() -> CaptureContext {
    CaptureContext {
        synthetic_stack: Some("Error\n    at seenHere (http://h/app.js:7:9)".into()),
        ..Default::default()
    }
}

fn err(name: &str, message: &str, stack: &str) -> ErrorLike {
    ErrorLike {
        name: Some(name.into()),
        message: Some(message.into()),
        stack: Some(stack.into()),
        ..Default::default()
    }
}

fn build(t: &Thrown, c: &CaptureContext) -> Event {
    event_from_thrown(t, c, EventId([7; 16]), Timestamp(1_795_469_269_000))
}

#[test]
fn error_with_stack() {
    let e =
        build(&Thrown::Error(err("TypeError", "x is undefined", "TypeError: x\n    at f (http://h/a.js:1:2)")), &ctx());
    let ex = e.main_exception().expect("exception");
    assert_eq!(ex.ty.as_deref(), Some("TypeError"));
    assert_eq!(ex.value.as_deref(), Some("x is undefined"));
    assert_eq!(ex.stacktrace.as_ref().map(|s| s.frames.len()), Some(1));
    let m = ex.mechanism.as_ref().expect("mechanism");
    assert_eq!((m.ty.as_str(), m.handled, m.synthetic, m.exception_id), ("generic", Some(true), None, None));
}

#[test]
fn primitives_keep_value_type_and_where_seen() {
    for (p, value, ty) in [
        (Primitive::String("boom".into()), "boom", "string"),
        (Primitive::Number("42".into()), "42", "number"),
        (Primitive::BigInt("10".into()), "10n", "bigint"),
        (Primitive::Null, "null", "null"),
        (Primitive::Undefined, "undefined", "undefined"),
        (Primitive::Symbol(Some("s".into())), "Symbol(s)", "symbol"),
        (Primitive::Boolean(false), "false", "boolean"),
    ] {
        let e = build(&Thrown::Primitive(p), &ctx());
        let ex = e.main_exception().expect("exception");
        assert_eq!(ex.value.as_deref(), Some(value));
        assert_eq!(ex.ty.as_deref(), Some("Error"));
        let m = ex.mechanism.as_ref().expect("mechanism");
        assert_eq!(m.synthetic, Some(true));
        assert_eq!(m.data.get("thrown_type"), Some(&Value::from(ty)));
        let frames = &ex.stacktrace.as_ref().expect("synthetic stack").frames;
        assert_eq!(frames[0].function.as_deref(), Some("seenHere"));
    }
}

#[test]
fn rejections_of_non_errors_read_as_sentry_does() {
    let c = CaptureContext { mechanism: "onunhandledrejection".into(), handled: false, ..ctx() };
    let e = build(&Thrown::Primitive(Primitive::Number("42".into())), &c);
    let ex = e.main_exception().expect("exception");
    assert_eq!(ex.ty.as_deref(), Some("UnhandledRejection"));
    assert_eq!(ex.value.as_deref(), Some("Non-Error promise rejection captured with value: 42"));
    assert_eq!(ex.mechanism.as_ref().and_then(|m| m.handled), Some(false));
}

#[test]
fn plain_objects_list_keys_and_keep_data() {
    let mut m = Map::new();
    m.insert("code".into(), Value::Int(3));
    m.insert("a".into(), Value::from("b"));
    let t = Thrown::Object { class: None, keys: vec!["code".into(), "a".into()], value: Value::Object(m) };
    let e = build(&t, &ctx());
    assert_eq!(
        e.main_exception().and_then(|x| x.value.as_deref()),
        Some("Object captured as exception with keys: a=\"b\", code=3")
    );
    assert!(e.extra.contains_key("__serialized__"));
    let t = Thrown::Object { class: Some("Foo".into()), keys: vec![], value: Value::Null };
    assert_eq!(
        build(&t, &ctx()).main_exception().and_then(|x| x.value.clone()).as_deref(),
        Some("'Foo' captured as exception with no keys")
    );
}

#[test]
fn object_values_are_rendered_bounded_and_every_cut_is_marked() {
    let mut m = Map::new();
    m.insert("code".into(), Value::Int(42));
    m.insert("retryAfter".into(), Value::Int(30));
    m.insert("detail".into(), Value::from("x".repeat(500)));
    m.insert("nested".into(), Value::Object(Map::new()));
    m.insert("list".into(), Value::Array(vec![Value::Null]));
    m.insert("ok".into(), Value::Bool(false));
    let keys = ["code", "retryAfter", "detail", "nested", "list", "ok", "gone"].map(String::from).to_vec();
    let c = CaptureContext { mechanism: "onunhandledrejection".into(), handled: false, ..ctx() };
    let e = build(&Thrown::Object { class: None, keys, value: Value::Object(m) }, &c);
    let value = e.main_exception().and_then(|x| x.value.clone()).unwrap_or_default();
    let detail = ["detail=\"", &"x".repeat(57), "…\""].concat();
    assert_eq!(
        value,
        [
            "Object captured as promise rejection with keys: code=42, ",
            &detail,
            ", gone=…, list=[…], nested={}, ok=false, retryAfter=30"
        ]
        .concat()
    );
    // Grouping reads the numbers as numbers: another retryAfter is the same issue.
    let group = |v: &str| {
        let input = crate::group::GroupInput {
            exceptions: vec![crate::group::GroupException {
                ty: Some("UnhandledRejection"),
                value: Some(v),
                frames: vec![],
            }],
            ..Default::default()
        };
        crate::group::group(&input).hash
    };
    assert_eq!(group(&value), group(&value.replace("retryAfter=30", "retryAfter=60")));
    // More keys than the message lists: the rest is marked.
    let many: Vec<String> = (0..30).map(|i| ["k", &crate::text::decimal(i)].concat()).collect();
    let e = build(&Thrown::Object { class: None, keys: many, value: Value::Object(Map::new()) }, &ctx());
    assert!(e.main_exception().and_then(|x| x.value.as_deref()).is_some_and(|v| v.ends_with(", …")));
}

#[test]
fn a_synthetic_stack_keeps_only_the_frames_before_the_sdk_entry() {
    // Taken in the SDK (captureWith) under its entry point, called by the app's checkout.
    let stack = "Error\n    at m (http://cdn.example/x/bundle.js:1:100)\n    at Module.__errorbeacon_captureException [as captureException] (http://cdn.example/x/bundle.js:1:200)\n    at checkout (http://shop.example/src/cart.js:40:7)\n    at onClick (http://shop.example/src/app.js:3:5)";
    let c = CaptureContext { synthetic_stack: Some(stack.into()), ..ctx() };
    let e = build(&Thrown::Primitive(Primitive::String("no".into())), &c);
    let frames = &e.main_exception().and_then(|x| x.stacktrace.as_ref()).expect("frames").frames;
    let names: Vec<_> = frames.iter().map(|f| f.function.as_deref().unwrap_or("")).collect();
    assert_eq!(names, ["onClick", "checkout"]);
    // A page event (a listener of the SDK, nothing of the app under it): no frames at all.
    let stack = "Error\n    at s (http://h/vendor.js:1:10)\n    at __errorbeacon_onRejection (http://h/vendor.js:1:20)";
    let c = CaptureContext { synthetic_stack: Some(stack.into()), ..ctx() };
    let e = build(&Thrown::Primitive(Primitive::Number("7".into())), &c);
    assert!(e.main_exception().is_some_and(|x| x.stacktrace.is_none()));
    // Firefox's form of the same.
    let stack =
        "m@http://h/b.js:1:100\n__errorbeacon_captureException@http://h/b.js:1:200\ncheckout@http://h/cart.js:40:7\n";
    let c = CaptureContext { synthetic_stack: Some(stack.into()), ..ctx() };
    let e = build(&Thrown::Primitive(Primitive::Null), &c);
    let frames = &e.main_exception().and_then(|x| x.stacktrace.as_ref()).expect("frames").frames;
    assert_eq!(frames.iter().map(|f| f.function.as_deref()).collect::<Vec<_>>(), [Some("checkout")]);
}

#[test]
fn cause_chain_and_aggregate_children_are_linked() {
    let inner = Thrown::Error(err("Error", "db down", "Error: db down\n    at db (http://h/a.js:1:1)"));
    let mid = Thrown::Error(ErrorLike { cause: Some(Box::new(inner)), ..err("Error", "save failed", "") });
    let root = Thrown::Error(ErrorLike {
        errors: vec![mid, Thrown::Primitive(Primitive::String("plain".into())), Thrown::Circular],
        ..err("AggregateError", "all failed", "")
    });
    let e = build(&root, &ctx());
    let v = &e.exception.as_ref().expect("exceptions").values;
    let summary: Vec<_> = v
        .iter()
        .map(|x| {
            let m = x.mechanism.as_ref().expect("mechanism");
            (x.value.clone().unwrap_or_default(), m.exception_id, m.parent_id, m.source.clone())
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("plain".into(), Some(3), Some(0), Some("errors[1]".into())),
            ("db down".into(), Some(2), Some(1), Some("cause".into())),
            ("save failed".into(), Some(1), Some(0), Some("errors[0]".into())),
            ("all failed".into(), Some(0), None, None),
        ]
    );
    assert_eq!(v[3].mechanism.as_ref().and_then(|m| m.is_exception_group), Some(true));
    // Only the root falls back to the synthetic stack.
    assert!(v[0].stacktrace.is_none());
}

#[test]
fn linked_limit_and_deep_chains_are_bounded() {
    let mut t = Thrown::Error(err("Error", "0", ""));
    for i in 1..1_000 {
        t = Thrown::Error(ErrorLike { cause: Some(Box::new(t)), ..err("Error", &i.to_string(), "") });
    }
    let e = build(&t, &ctx());
    assert_eq!(e.exception.as_ref().map(|x| x.values.len()), Some(1 + crate::limits::MAX_LINKED_ERRORS));
    // A deep description must also drop without overflowing the stack.
    drop(t);
}

#[test]
fn long_values_are_trimmed() {
    let big = "x".repeat(5_000_000);
    let e = build(&Thrown::Error(err(&big, &big, &big)), &ctx());
    let ex = e.main_exception().expect("exception");
    assert_eq!(ex.value.as_ref().map(|v| v.chars().count()), Some(MAX_VALUE_CHARS));
    assert_eq!(ex.ty.as_ref().map(|v| v.chars().count()), Some(MAX_TYPE_CHARS));
}

#[test]
fn script_error_gets_a_hint_and_its_location() {
    let t = Thrown::ErrorEvent {
        message: Some("Script error.".into()),
        filename: Some("http://cdn/x.js".into()),
        lineno: Some(3),
        colno: Some(4),
    };
    let e = build(&t, &CaptureContext { mechanism: "onerror".into(), handled: false, ..ctx() });
    let ex = e.main_exception().expect("exception");
    assert!(ex.mechanism.as_ref().is_some_and(|m| m.data.contains_key("hint")));
    let f = &ex.stacktrace.as_ref().expect("frame").frames[0];
    assert_eq!((f.abs_path.as_deref(), f.lineno, f.colno), (Some("http://cdn/x.js"), Some(3), Some(4)));
}

#[test]
fn message_events() {
    let e = message_event("hello", Level::Warning, EventId([1; 16]), Timestamp(0));
    assert_eq!(e.logentry.map(|l| l.formatted).as_deref(), Some("hello"));
    assert_eq!(e.level, Some(Level::Warning));
}
