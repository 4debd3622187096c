//! Events shared by the delivery tests (`mod delivery_fixtures;`): big ones, built in code
//! because their size is the point.
#![allow(dead_code)]

use errorbeacon::protocol::{
    Breadcrumb, ClientSdkInfo, Exception, Frame, Level, Map, Mechanism, Stacktrace, Value, Values,
};
use errorbeacon::{Event, EventId, Timestamp};

/// About 5 MB of event whose every single field is within Relay's limits: it is big by count.
pub fn five_megabytes(t: Timestamp) -> Event {
    let mut e = Event::new(EventId::from_random_bytes([9; 16]), t);
    e.level = Some(Level::Error);
    e.release = Some("shop@2.1.0".into());
    e.environment = Some("production".into());
    e.sdk = Some(ClientSdkInfo::errorbeacon());
    e.breadcrumbs = Some(Values {
        values: (0..100)
            .map(|i| Breadcrumb {
                timestamp: Timestamp(t.0 - 100_000 + i * 1000),
                category: Some("console".into()),
                message: Some(["log line ", &i.to_string(), ": ", &"b".repeat(8000)].concat()),
                ..Default::default()
            })
            .collect(),
    });
    for k in 0..200 {
        let mut m = Map::new();
        for j in 0..20 {
            m.insert(["field", &j.to_string()].concat(), Value::from("e".repeat(500)));
        }
        e.extra.insert(["state", &k.to_string()].concat(), Value::Object(m));
    }
    let mut app = Map::new();
    for j in 0..100 {
        app.insert(["flag", &j.to_string()].concat(), Value::from("c".repeat(6000)));
    }
    e.contexts.set("app_state", app);
    e.contexts.set_known("browser", &[("name", Some("Chrome")), ("version", Some("131.0"))]);
    for j in 0..50 {
        e.tags.insert(["tag", &j.to_string()].concat(), "t".repeat(200));
    }
    let frame = |x: usize, i: usize| Frame {
        function: Some(["handler_", &x.to_string(), "_", &i.to_string()].concat()),
        abs_path: Some(["https://cdn.example/assets/", &"p".repeat(900), "/app.js"].concat()),
        filename: Some("/assets/app.js".into()),
        lineno: Some(i as u32 + 1),
        colno: Some(12),
        in_app: Some(true),
        ..Default::default()
    };
    e.exception = Some(Values {
        values: (0..6)
            .map(|x| Exception {
                ty: Some(if x == 5 { "TypeError".into() } else { ["CauseError", &x.to_string()].concat() }),
                value: Some(["cannot read properties of undefined ", &"v".repeat(8000)].concat()),
                mechanism: Some(Mechanism { ty: "onerror".into(), handled: Some(false), ..Default::default() }),
                stacktrace: Some(Stacktrace { frames: (0..250).map(|i| frame(x, i)).collect() }),
            })
            .collect(),
    });
    e
}

/// One exception whose value (2 MB), mechanism data and only frame (a 500 KB `data:` URL) are
/// each too big for any channel.
pub fn huge_crash_site(t: Timestamp) -> Event {
    let mut e = Event::new(EventId::from_random_bytes([3; 16]), t);
    e.sdk = Some(ClientSdkInfo::errorbeacon());
    let mut data = Map::new();
    data.insert("blob".into(), Value::from("d".repeat(300_000)));
    e.exception = Some(Values {
        values: vec![Exception {
            ty: Some("RangeError".into()),
            value: Some(["Maximum call stack size exceeded ", &"x".repeat(2_000_000)].concat()),
            mechanism: Some(Mechanism {
                ty: "onunhandledrejection".into(),
                handled: Some(false),
                data,
                ..Default::default()
            }),
            stacktrace: Some(Stacktrace {
                frames: vec![Frame {
                    function: Some("f".repeat(200_000)),
                    abs_path: Some(["data:text/javascript,", &"a".repeat(500_000)].concat()),
                    lineno: Some(1),
                    ..Default::default()
                }],
            }),
        }],
    });
    e
}
