import { useEffect, useState } from 'react';

export type ThemeSetting = 'system' | 'light' | 'dark';

const query = '(prefers-color-scheme: dark)';

/** Applies the theme to <html data-theme>, following the OS while the setting is 'system'. */
export function useTheme(setting: ThemeSetting): 'light' | 'dark' {
  const [systemDark, setSystemDark] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const media = window.matchMedia(query);
    const onChange = (): void => setSystemDark(media.matches);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  const theme = setting === 'system' ? (systemDark ? 'dark' : 'light') : setting;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    // Remembered so the next start paints in the right theme before settings arrive.
    localStorage.setItem('docqa.theme', theme);
  }, [theme]);
  return theme;
}

export function initialTheme(): void {
  const saved = localStorage.getItem('docqa.theme');
  document.documentElement.dataset.theme =
    saved === 'dark' || saved === 'light' ? saved : window.matchMedia(query).matches ? 'dark' : 'light';
}
