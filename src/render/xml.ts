// XML 1.0 escaping for text and attribute values.
// A hand-written escaper rather than xmlbuilder: xmlbuilder reaches node_modules
// only as a dependency of plist, not of initgen, and the SMF manifest's fixed
// shape reads better as a template. Attribute values escape tab, CR and LF as
// character references, because parsers normalise literal ones to spaces
// (XML 1.0 section 3.3.3) and a method's arguments must survive byte for byte.

// Characters XML 1.0 cannot carry at all, not even as references (section 2.2).
const NOT_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

class XmlCharError extends Error {}

/** The first character of VALUE that XML 1.0 cannot carry, as "U+XXXX"; undefined when none. */
export function nonXmlChar(value: string): string | undefined {
  const m = NOT_XML.exec(value);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

function check(value: string): void {
  const bad = nonXmlChar(value);
  if (bad !== undefined) throw new XmlCharError(`${bad} cannot be written in XML 1.0`);
}

export function isXmlSafe(value: string): boolean {
  return !NOT_XML.test(value);
}

export function xmlText(value: string): string {
  check(value);
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** For an attribute value written in double quotes (every template does). */
export function xmlAttr(value: string): string {
  check(value);
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/**
 * Text for inside an XML comment, on one line: a comment may not contain "--" nor end
 * in "-" (XML 1.0 section 2.5), and control characters, line breaks included, become
 * one space, so a comment at the top of a file (the marker) stays one line.
 */
export function xmlComment(value: string): string {
  const line = value.replace(/[\x00-\x1f\x7f]+/g, ' ');
  check(line);
  return line.replace(/-(?=-)/g, '- ').replace(/-$/, '- ');
}
