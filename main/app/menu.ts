import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../api/contract.js';

export interface MenuLabels {
  newConversation: string;
  addFolder: string;
  focusQuestion: string;
  ask: string;
  library: string;
  settings: string;
  file: string;
  view: string;
  help: string;
  about: string;
}

export const MENU_LABELS: Record<'zh' | 'en', MenuLabels> = {
  en: {
    newConversation: 'New Conversation',
    addFolder: 'Add Folder…',
    focusQuestion: 'Ask a Question',
    ask: 'Ask',
    library: 'Library',
    settings: 'Settings…',
    file: 'File',
    view: 'View',
    help: 'Help',
    about: 'About DocQA',
  },
  zh: {
    newConversation: '新对话',
    addFolder: '添加文件夹…',
    focusQuestion: '提问',
    ask: '提问',
    library: '文档库',
    settings: '设置…',
    file: '文件',
    view: '视图',
    help: '帮助',
    about: '关于 DocQA',
  },
};

/**
 * The standard application menu (platform roles for edit/window/quit) plus
 * DocQA's commands, which go to the renderer as `command` events. Pure: the
 * caller turns it into a Menu.
 */
export function menuTemplate(options: {
  isMac: boolean;
  dev: boolean;
  labels: MenuLabels;
  send(command: AppCommand): void;
  about(): void;
}): MenuItemConstructorOptions[] {
  const { isMac, dev, labels, send } = options;
  const item = (label: string, accelerator: string, command: AppCommand): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => send(command),
  });
  const settings = item(labels.settings, 'CmdOrCtrl+,', 'show-settings');
  return [
    ...(isMac
      ? [
          {
            role: 'appMenu',
            submenu: [
              { role: 'about' },
              { type: 'separator' },
              settings,
              { type: 'separator' },
              { role: 'services' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: labels.file,
      submenu: [
        item(labels.newConversation, 'CmdOrCtrl+N', 'new-conversation'),
        item(labels.addFolder, 'CmdOrCtrl+O', 'add-folder'),
        ...(isMac ? [] : [{ type: 'separator' } as const, settings]),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: labels.view,
      submenu: [
        item(labels.focusQuestion, 'CmdOrCtrl+K', 'focus-question'),
        item(labels.ask, 'Alt+1', 'show-chat'),
        item(labels.library, 'Alt+2', 'show-library'),
        { type: 'separator' },
        ...(dev
          ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const]
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', label: labels.help, submenu: [{ label: labels.about, click: options.about }] },
  ];
}
