import { en, type MessageKey } from './en.js';
import { zh } from './zh.js';

export type Language = 'zh' | 'en';
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;
export type { MessageKey };

const catalogs: Record<Language, Record<MessageKey, string>> = { en, zh };

/** Whether `key` is one of the interface's texts (for keys built from data, such as a catalogue id). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** `t(key, params)` for one language: the catalog's text with `{name}` placeholders filled. */
export function translator(language: Language): Translate {
  const catalog = catalogs[language];
  return (key, params) => {
    const text = catalog[key] ?? en[key] ?? key;
    return params
      ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
      : text;
  };
}
