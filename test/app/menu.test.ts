import { describe, expect, it } from 'vitest';
import type { AppCommand } from '../../main/api/contract.js';
import { MENU_LABELS, menuTemplate } from '../../main/app/menu.js';

type MenuItemConstructorOptions = ReturnType<typeof menuTemplate>[number];

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

describe('application menu', () => {
  const sent: AppCommand[] = [];
  const build = (isMac: boolean, dev = false) =>
    flatten(
      menuTemplate({ isMac, dev, labels: MENU_LABELS.en, send: (c) => sent.push(c), about: () => undefined }),
    );

  it('has the standard roles and DocQA shortcuts', () => {
    const items = build(false);
    const roles = items.map((i) => i.role).filter(Boolean);
    expect(roles).toEqual(expect.arrayContaining(['editMenu', 'windowMenu', 'quit', 'togglefullscreen']));
    const accelerators = Object.fromEntries(
      items.filter((i) => i.accelerator).map((i) => [i.accelerator, i.label]),
    );
    expect(accelerators).toMatchObject({
      'CmdOrCtrl+N': 'New Conversation',
      'CmdOrCtrl+O': 'Add Folder…',
      'CmdOrCtrl+K': 'Ask a Question',
      'CmdOrCtrl+,': 'Settings…',
    });
    expect(roles).not.toContain('toggleDevTools');
  });

  it('sends commands to the renderer when clicked', () => {
    sent.length = 0;
    const items = build(false);
    for (const label of ['Add Folder…', 'Settings…']) {
      const item = items.find((i) => i.label === label)!;
      (item.click as () => void)();
    }
    expect(sent).toEqual(['add-folder', 'show-settings']);
  });

  it('uses the macOS app menu there, and dev tools only in development', () => {
    expect(build(true).some((i) => i.role === 'appMenu')).toBe(true);
    expect(build(false).some((i) => i.role === 'appMenu')).toBe(false);
    expect(build(false, true).some((i) => i.role === 'toggleDevTools')).toBe(true);
  });

  it('has Chinese labels for every entry', () => {
    expect(Object.keys(MENU_LABELS.zh).sort()).toEqual(Object.keys(MENU_LABELS.en).sort());
  });
});
