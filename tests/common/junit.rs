//! The JUnit reports of `check` and `review`, validated the same way.

use quick_xml::events::Event;

/// What a JUnit report holds, after checking its structure.
pub struct JunitReport {
    pub testcases: usize,
    pub failed_cases: Vec<String>,
    pub failure_text: String,
}

/// Checks `xml` against the JUnit format as Jenkins' junit-10.xsd and GitLab's
/// parser read it: `<testsuites>` of `<testsuite name tests failures errors>`
/// of `<testcase name classname>` each with at most one `<failure message
/// type>`; the counts in the attributes match the elements.
pub fn validate_junit(xml: &str) -> JunitReport {
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut report = JunitReport {
        testcases: 0,
        failed_cases: Vec::new(),
        failure_text: String::new(),
    };
    let mut declared: Vec<(String, u64, u64)> = Vec::new(); // (element, tests, failures)
    let mut suite_cases = (0u64, 0u64);
    let mut current_case = String::new();
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let (start, name, attrs) = match &event {
            Event::Start(e) => (true, e.name(), attributes(e)),
            Event::Empty(e) => (false, e.name(), attributes(e)),
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "balanced tags");
                if name == "testsuite" {
                    let (_, tests, failures) = declared.last().cloned().expect("declared");
                    assert_eq!((tests, failures), suite_cases, "testsuite counts match");
                }
                continue;
            }
            Event::Text(t) => {
                if stack.last().map(String::as_str) == Some("failure") {
                    report.failure_text.push_str(&t.decode().expect("text"));
                }
                continue;
            }
            Event::GeneralRef(r) => {
                let name = r.decode().expect("entity name").into_owned();
                let known = ["lt", "gt", "amp", "quot", "apos"].contains(&name.as_str())
                    || r.resolve_char_ref().ok().flatten().is_some();
                assert!(known, "undefined entity `&{name};`");
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8_lossy(name.as_ref()).into_owned();
        let parent = stack.last().map(String::as_str);
        let get = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let number = |key: &str| -> u64 {
            get(key)
                .unwrap_or_else(|| panic!("`{key}` on <{name}>"))
                .parse()
                .unwrap_or_else(|_| panic!("`{key}` on <{name}> is a number"))
        };
        match (parent, name.as_str()) {
            (None, "testsuites") => {
                declared.push((name.clone(), number("tests"), number("failures")));
                number("errors");
                get("time").map(|t| t.parse::<f64>().expect("time is a number"));
            }
            (Some("testsuites"), "testsuite") => {
                assert!(get("name").is_some_and(|n| !n.is_empty()));
                declared.push((name.clone(), number("tests"), number("failures")));
                number("errors");
                suite_cases = (0, 0);
            }
            (Some("testsuite"), "testcase") => {
                current_case = get("name").expect("testcase name");
                assert!(get("classname").is_some(), "testcase classname");
                report.testcases += 1;
                suite_cases.0 += 1;
            }
            (Some("testcase"), "failure") => {
                assert!(get("message").is_some() && get("type").is_some());
                assert!(
                    !report.failed_cases.contains(&current_case),
                    "one failure per test case"
                );
                report.failed_cases.push(current_case.clone());
                suite_cases.1 += 1;
            }
            (parent, element) => panic!("<{element}> is not allowed in <{parent:?}>"),
        }
        if start {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "every element is closed");
    let (_, tests, failures) = declared.first().cloned().expect("a <testsuites> root");
    assert_eq!(tests, report.testcases as u64);
    assert_eq!(failures, report.failed_cases.len() as u64);
    report
}

fn attributes(e: &quick_xml::events::BytesStart) -> Vec<(String, String)> {
    e.attributes()
        .map(|a| {
            let a = a.expect("well-formed attribute");
            (
                String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                a.unescape_value().expect("attribute value").into_owned(),
            )
        })
        .collect()
}
