// XML 1.0 escaping for text and attribute values.
// A hand-written escaper rather than xmlbuilder: xmlbuilder reaches node_modules
// only as a dependency of plist, not of initgen, and the SMF manifest's fixed
// shape reads better as a template. Attribute values escape tab, CR and LF as
// character references, because parsers normalise literal ones to spaces
// (XML 1.0 section 3.3.3) and a method's arguments must survive byte for byte.

// Characters XML 1.0 cannot carry at all, not even as references (section 2.2).
const NOT_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export class XmlCharError extends Error {}

function check(value: string): void {
  const m = NOT_XML.exec(value);
  if (m) {
    const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new XmlCharError(`U+${code} cannot be written in XML 1.0`);
  }
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

/** Text for inside an XML comment: "--" is not allowed there. */
export function xmlComment(value: string): string {
  check(value);
  return value.replace(/-(?=-)/g, '- ').replace(/-$/, '- ');
}
