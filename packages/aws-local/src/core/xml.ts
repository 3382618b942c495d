const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, c => XML_ESCAPES[c]);
}

export function unescapeXml(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|apos|#x[0-9a-fA-F]+|#\d+);/g,
    (_, entity: string) => {
      switch (entity) {
        case 'amp':
          return '&';
        case 'lt':
          return '<';
        case 'gt':
          return '>';
        case 'quot':
          return '"';
        case 'apos':
          return "'";
        default:
          return String.fromCodePoint(
            entity[1] === 'x'
              ? parseInt(entity.slice(2), 16)
              : parseInt(entity.slice(1), 10),
          );
      }
    },
  );
}

/**
 * Serialises a plain value as XML elements: objects become nested elements, arrays repeat
 * their element name, dates are ISO 8601, as the query and REST-XML protocols expect.
 */
export function toXmlElements(value: Record<string, unknown>): string {
  let out = '';
  for (const [name, member] of Object.entries(value)) {
    if (member === undefined || member === null) continue;
    const items = Array.isArray(member) ? member : [member];
    for (const item of items) {
      out += `<${name}>${toXmlContent(item)}</${name}>`;
    }
  }
  return out;
}

function toXmlContent(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    return toXmlElements(value as Record<string, unknown>);
  }
  return escapeXml(String(value));
}

/** The text of every `<name>…</name>` element in `xml` (flat documents only). */
export function xmlElementTexts(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g');
  const texts: string[] = [];
  for (let match = pattern.exec(xml); match; match = pattern.exec(xml)) {
    texts.push(unescapeXml(match[1]));
  }
  return texts;
}
