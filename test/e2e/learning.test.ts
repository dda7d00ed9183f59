/// <reference lib="dom" />
/**
 * Learning from use in a real browser: `docqa serve` on a small generated
 * library, driven in Debian's Chromium by playwright-core. The user marks a
 * source "This answered it", sees it in Settings, exports and erases the
 * signals, and pauses learning (kept across a reload).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestState, LearningState, LibrarySettings } from '../../main/api/contract.js';
import { TARGETS, writeCorpus } from './corpus.js';
import { callApi, startServe, type ServeProcess } from './serveProcess.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCi = !!process.env.CI && !/^(0|false)$/i.test(process.env.CI);
if (!haveChromium && inCi)
  throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run)`);
if (!haveChromium)
  console.warn(`skipping the learning e2e test: ${CHROMIUM} is not installed (apt-get install chromium)`);

const artifacts = fileURLToPath(new URL('../../artifacts/e2e/', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-e2e-learning-'));
const docs = path.join(tmp, 'docs');
let serve: ServeProcess;
let context: BrowserContext;
let page: Page;

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const shot = (name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
const learningState = () => callApi<LearningState>(serve, 'learningState');

describe.skipIf(!haveChromium)('learning from use in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    writeCorpus(docs, 0);
    serve = await startServe(['--db', path.join(tmp, 'library.sqlite'), '--no-watch'], {
      timeoutMs: 300_000,
    });
    await callApi(serve, 'addFolder', { path: docs });
    // Indexing a handful of files; the hook's own time limit bounds the wait.
    for (;;) {
      const state = await callApi<IngestState>(serve, 'ingestState');
      if (!state.running && state.lastSummary !== null) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      locale: 'en-US',
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => console.error('page error:', e.message));
  }, 420_000);

  afterAll(async () => {
    await context?.close();
    await serve?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const ask = async (question: string) => {
    await page.keyboard.press('Control+k');
    const box = page.getByLabel('Question');
    await poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    const turns = await page.locator('.turn').count();
    await box.fill(question);
    await box.press('Enter');
    const card = page.locator('.turn').nth(turns).getByTestId('source-card').first();
    await card.waitFor({ timeout: 30_000 });
    return card;
  };

  it('records "This answered it" on a source card and shows it pressed', async () => {
    await page.goto(serve.url);
    const card = await ask(TARGETS.en.question);
    const good = card.getByRole('button', { name: 'This answered it' });
    const bad = card.getByRole('button', { name: 'Not this' });
    expect(await good.getAttribute('aria-pressed')).toBe('false');
    await good.click();
    await poll(() => good.getAttribute('aria-pressed')).toBe('true');
    expect(await bad.getAttribute('aria-pressed')).toBe('false');
    // Clicking the button did not also open the preview (no weaker signal beside it).
    expect(await page.getByTestId('preview').count()).toBe(0);
    expect((await learningState()).signalsByKind).toMatchObject({ good: 1, bad: 0, preview: 0 });
    await card.screenshot({ path: path.join(artifacts, 'learning-01-card.png') });

    // Read back from the library after a reload, the conversation shows what was said.
    await page.reload();
    await page.locator('.conversation').first().click();
    const again = page.locator('.turn').first().getByTestId('source-card').first();
    await again.waitFor();
    await poll(() =>
      again.getByRole('button', { name: 'This answered it' }).getAttribute('aria-pressed'),
    ).toBe('true');
    expect(await again.getByRole('button', { name: 'Not this' }).getAttribute('aria-pressed')).toBe('false');
  }, 90_000);

  it('shows the signal in Settings, exports it as JSON Lines, and erases it after confirmation', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const section = page.getByTestId('learning');
    await poll(() => section.getByTestId('learning-signals').textContent()).toBe('1');
    expect(await section.textContent()).toContain('answered it 1 · not this 0');
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: path.join(artifacts, 'learning-02-settings.png') });

    const download = page.waitForEvent('download');
    await section.getByRole('button', { name: 'Export signals' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('docqa-signals.jsonl');
    const lines = readFileSync((await file.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      signal: 'good',
      rank: 1,
      question: TARGETS.en.question,
      passage: { path: TARGETS.en.path },
    });

    await section.getByRole('button', { name: 'Erase signals' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/your signals \(1\).*Export the signals first/);
    await shot('learning-03-erase-confirm');
    await dialog.getByRole('button', { name: 'Erase signals' }).click();
    await dialog.waitFor({ state: 'detached' });
    await poll(() => section.getByTestId('learning-signals').textContent()).toBe('0');
    expect((await learningState()).signals).toBe(0);
  }, 60_000);

  it('pauses learning and turns cross-lingual search off, both kept across a reload', async () => {
    const pause = page.getByRole('checkbox', { name: 'Pause learning' });
    const crossLingual = page.getByRole('checkbox', { name: /Also search in the other language/ });
    expect(await pause.isChecked()).toBe(false);
    expect(await crossLingual.isChecked()).toBe(true);
    // Each box shows the setting the library has, so it changes once the library has it.
    await pause.click();
    await poll(() => pause.isChecked()).toBe(true);
    await crossLingual.click();
    await poll(() => crossLingual.isChecked()).toBe(false);
    await poll(async () => {
      const s = await callApi<LibrarySettings>(serve, 'getSettings');
      return [s.learning, s.crossLingual];
    }).toEqual([false, false]);
    expect((await learningState()).enabled).toBe(false);
    await page.reload();
    await page.getByRole('button', { name: 'Settings' }).click();
    await poll(() => page.getByRole('checkbox', { name: 'Pause learning' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: /Also search in the other language/ }).isChecked()).toBe(
      false,
    );
  }, 60_000);

  it('sends copying a passage as a weaker signal, recorded while learning is paused', async () => {
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const card = await ask(TARGETS.en.question);
    await card.getByRole('button', { name: 'Copy passage' }).click();
    await poll(async () => (await learningState()).signalsByKind.copy).toBe(1);
    expect((await learningState()).signals).toBe(1);
  }, 60_000);
});
