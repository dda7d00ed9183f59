import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { en, type MessageKey } from './en.js';
import { zh } from './zh.js';

export type Language = 'zh' | 'en';
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const catalogs: Record<Language, Record<MessageKey, string>> = { en, zh };

/** 'system' follows the browser/OS language: any Chinese locale → 中文, everything else → English. */
export function resolveLanguage(setting: 'system' | Language, systemLanguages: readonly string[]): Language {
  if (setting !== 'system') return setting;
  return systemLanguages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh' : 'en';
}

export function translator(language: Language): Translate {
  const catalog = catalogs[language];
  return (key, params) => {
    const text = catalog[key] ?? en[key] ?? key;
    return params
      ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
      : text;
  };
}

const I18nContext = createContext<{ language: Language; t: Translate }>({
  language: 'en',
  t: translator('en'),
});

export function I18nProvider({ language, children }: { language: Language; children: ReactNode }) {
  const value = useMemo(() => ({ language, t: translator(language) }), [language]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): { language: Language; t: Translate } {
  return useContext(I18nContext);
}

export type { MessageKey };
