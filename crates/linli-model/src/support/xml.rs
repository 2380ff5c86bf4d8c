//! Text made safe for XML 1.0 and HTML: one escaper for every report and every XML document of
//! the workspace (JUnit, the HTML report, Open311 XML).

use crate::text::is_terminal_control;

/// Whether XML 1.0 allows `c` in a document (production `Char`: tab, line feed, carriage
/// return, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Whether the escapers replace `c`: every character of [`is_terminal_control`] but line feed
/// and tab — control characters, which XML 1.0 forbids (C0) or a terminal would obey (C1, DEL),
/// carriage return, and the bidirectional controls that reorder what a reader sees `[CON-072]` —
/// and the noncharacters U+FFFE and U+FFFF. Every character XML 1.0 forbids is among them.
fn replaced(c: char) -> bool {
    c != '\n' && c != '\t' && (is_terminal_control(c) || c == '\u{FFFE}' || c == '\u{FFFF}')
}

/// `s` with every character [`escape`] would replace (the control characters XML 1.0 forbids
/// among them) as U+FFFD, markup left as it is: for text an XML writer escapes itself.
pub fn scrub(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(replaced) {
        std::borrow::Cow::Owned(s.chars().map(|c| if replaced(c) { '\u{FFFD}' } else { c }).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Escape text for XML and HTML (text and attribute values): markup as entities, and every
/// control character — those XML 1.0 forbids, those a terminal would obey, the bidirectional
/// controls `[CON-072]` — and the noncharacters U+FFFE and U+FFFF as U+FFFD (visible where the
/// text had something); line feeds and tabs stay. The result is always well-formed XML text.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if replaced(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Read `doc` as an XML 1.0 document, strictly, for the tests of every XML writer of the
/// workspace (the validator's and the conformance runner's JUnit reports): every character an
/// XML 1.0 `Char`, no `]]>` outside a CDATA section, elements and attributes well-formed (read by
/// quick-xml, end tags matching). Returns the text of every attribute value and text node, each
/// read back with its references resolved; `Err` says why the document is not well-formed.
#[cfg(any(test, feature = "xml-read"))]
pub fn read_well_formed(doc: &str) -> Result<Vec<String>, String> {
    use quick_xml::events::Event;
    if let Some((at, c)) = doc.char_indices().find(|(_, c)| !is_xml_char(*c)) {
        return Err(format!("U+{:04X} at byte {at} is no XML 1.0 character", u32::from(c)));
    }
    let mut reader = quick_xml::Reader::from_str(doc);
    reader.config_mut().check_end_names = true;
    let (mut out, mut text, mut depth, mut roots) = (Vec::new(), String::new(), 0usize, 0usize);
    loop {
        let event = reader.read_event().map_err(|e| format!("at byte {}: {e}", reader.error_position()))?;
        if !matches!(event, Event::Text(_) | Event::GeneralRef(_)) && !text.is_empty() {
            out.push(std::mem::take(&mut text));
        }
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if depth == 0 {
                    roots += 1;
                }
                for a in e.attributes() {
                    let a = a.map_err(|e| e.to_string())?;
                    out.push(a.unescape_value().map_err(|e| e.to_string())?.into_owned());
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                }
            }
            Event::End(_) => depth = depth.checked_sub(1).ok_or("an end tag without its start")?,
            Event::Text(t) => {
                let raw = t.decode().map_err(|e| e.to_string())?;
                if raw.contains("]]>") {
                    return Err("`]]>` in text".into());
                }
                if depth == 0 && !raw.trim().is_empty() {
                    return Err("text outside the root element".into());
                }
                text.push_str(&raw);
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| e.to_string())?;
                let c = quick_xml::escape::resolve_predefined_entity(&name)
                    .map(str::to_owned)
                    .or_else(|| r.resolve_char_ref().ok().flatten().map(String::from))
                    .ok_or_else(|| format!("unknown entity {name}"))?;
                text.push_str(&c);
            }
            Event::CData(c) => out.push(String::from_utf8_lossy(&c).into_owned()),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    match (depth, roots) {
        (0, 1) => Ok(out),
        (0, n) => Err(format!("{n} root elements")),
        _ => Err("the document ends inside an element".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parse `<a v="…">…</a>` strictly ([`read_well_formed`]): the attribute and the text read
    /// back, or why not.
    fn read_back(escaped: &str) -> Result<(String, String), String> {
        match read_well_formed(&format!("<a v=\"{escaped}\">{escaped}</a>"))?.as_slice() {
            [attr] => Ok((attr.clone(), String::new())),
            [attr, text] => Ok((attr.clone(), text.clone())),
            other => Err(format!("read back as {other:?}")),
        }
    }

    #[test]
    fn controls_and_markup() {
        let s = escape("a\u{0}\u{1b}[2K\r\u{fffe}\u{ffff}\u{202e}\"<x>&'\n\t");
        assert_eq!(s, "a\u{fffd}\u{fffd}[2K\u{fffd}\u{fffd}\u{fffd}\u{fffd}&quot;&lt;x&gt;&amp;&#39;\n\t");
        assert_eq!(scrub("a\u{1}<b>"), "a\u{fffd}<b>");
        assert!(matches!(scrub("plain <b>"), std::borrow::Cow::Borrowed(_)));
        assert!(read_back(&escape("x\u{7}y")).is_ok());
        // The check is strict: a raw control character is caught.
        assert!(read_back("x\u{7}y").is_err());
        assert!(read_back("a<b").is_err());
    }

    /// The document reader of the tests refuses what XML 1.0 refuses.
    #[test]
    fn the_strict_reader_refuses_what_xml_refuses() {
        assert_eq!(read_well_formed("<a v=\"x&amp;y\">b&lt;c<d/></a>").unwrap(), ["x&y", "b<c"]);
        for bad in ["<a>\u{1}</a>", "<a>]]></a>", "<a><b></a>", "<a/><b/>", "<a>", "<a v=\"\u{7f}\u{fffe}\"/>"] {
            assert!(read_well_formed(bad).is_err(), "{bad:?}");
        }
        assert!(read_well_formed("<a>\u{7f}</a>").is_ok(), "DEL is an XML 1.0 character");
    }

    quickcheck::quickcheck! {
        /// Escaped text is always well-formed XML, in an attribute and as element content, and
        /// reads back as the text with the replaced characters as U+FFFD.
        fn escaped_text_is_well_formed_xml(s: String) -> bool {
            let want: String = scrub(&s).replace('\r', "\u{fffd}");
            match read_back(&escape(&s)) {
                // An attribute value's line feeds and tabs are normalised to spaces by XML
                // readers; the text keeps them.
                Ok((attr, text)) => text == want && attr.replace(['\n', '\t'], " ") == want.replace(['\n', '\t'], " "),
                Err(_) => false,
            }
        }
    }
}
