import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { isMessageKey, translator, type Language, type MessageKey, type Translate } from './translate.js';

export { isMessageKey, translator, type Language, type MessageKey, type Translate };

/** 'system' follows the browser/OS language: any Chinese locale → 中文, everything else → English. */
export function resolveLanguage(setting: 'system' | Language, systemLanguages: readonly string[]): Language {
  if (setting !== 'system') return setting;
  return systemLanguages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh' : 'en';
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
