import { Parser } from 'htmlparser2';

export interface XmlHandlers {
  /** An element's start: its local name in lower case ("opf:item" → "item"), attributes by their whole name in lower case ("r:id"). */
  open?: (localName: string, attrs: Record<string, string>) => void;
  text?: (text: string) => void;
  close?: (localName: string) => void;
}

/**
 * The events of an XML part of an archive (EPUB packages, Office parts). No DTD is
 * read and no external entity is resolved: an undeclared entity stays as written.
 */
export function parseXml(xml: string, handlers: XmlHandlers): void {
  const local = (name: string) => name.slice(name.lastIndexOf(':') + 1).toLowerCase();
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const lowered: Record<string, string> = {};
        for (const [k, v] of Object.entries(attrs)) lowered[k.toLowerCase()] = v;
        handlers.open?.(local(name), lowered);
      },
      ontext(t) {
        handlers.text?.(t);
      },
      onclosetag(name) {
        handlers.close?.(local(name));
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
}

/** The value of a namespaced attribute ("r:id", whatever the prefix) of an element. */
export function prefixedAttribute(attrs: Record<string, string>, localName: string): string | undefined {
  for (const [k, v] of Object.entries(attrs)) if (k.endsWith(`:${localName}`)) return v;
  return undefined;
}

/** The first element of this local name's text, spaces collapsed ("dc:title" of docProps/core.xml or meta.xml); null when none. */
export function firstElementText(xml: string | null, localName: string): string | null {
  if (!xml) return null;
  let depth = 0;
  let done = false;
  let text = '';
  parseXml(xml, {
    open(name) {
      if (!done && name === localName) depth++;
    },
    text(t) {
      if (depth > 0) text += t;
    },
    close(name) {
      if (depth > 0 && name === localName && --depth === 0) done = true;
    },
  });
  return text.replace(/\s+/g, ' ').trim() || null;
}
