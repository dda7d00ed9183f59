import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { LibrarySettings, PackListing, ProviderName } from '../../../main/api/contract.js';
import {
  CHUNK_OVERLAP_CHARS,
  CHUNK_TARGET_CHARS,
  PROVIDER_NAMES,
  THREADS,
} from '../../../main/engine/vocabulary/values.js';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/index.js';
import { formatBytes, formatDuration, formatNumber } from '../format.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { useAppState } from '../state/AppState.js';
import { useNotify } from '../components/Toaster.js';
import { ErrorText } from '../components/ErrorText.js';
import { ModelsCard } from './ModelsCard.js';
import { LearningCard } from './LearningCard.js';
import { SafeMarkdown } from '../components/SafeMarkdown.js';
import { metricsTable } from '../metricsTable.js';
import { describeFallback, describeLastError } from '../reasons.js';

export function SettingsView() {
  const { t, language } = useI18n();
  const { info, status, settings, reembed, updateSettings, reportError } = useAppState();
  const notify = useNotify();
  const [error, setError] = useState<string | null>(null);
  const [packsVersion, setPacksVersion] = useState(0);
  const packsChanged = useCallback(() => setPacksVersion((v) => v + 1), []);

  const save = async (patch: Partial<LibrarySettings>): Promise<void> => {
    setError(null);
    try {
      await updateSettings(patch);
      notify(t('settings.saved'));
    } catch (e) {
      setError(reportError(e));
    }
  };

  if (!settings) return <div className="page" />;
  const pack = status?.pack;
  const provider = status?.provider;
  const available = new Set(provider?.available ?? []);

  return (
    <div className="page">
      <header className="page-head">
        <h1>{t('settings.title')}</h1>
      </header>
      <ErrorText message={error} />

      <section className="card" aria-labelledby="pack-title">
        <h2 id="pack-title">{t('settings.pack')}</h2>
        <PackChooser
          packDir={settings.packDir}
          version={packsVersion}
          onSave={(packDir) => void save({ packDir })}
        />
        {pack ? (
          <dl className="facts" data-testid="pack-info">
            <Fact label={t('settings.packName')}>
              {pack.name} {pack.builtin ? <span className="badge">{t('settings.packBuiltin')}</span> : null}
            </Fact>
            <Fact label={t('settings.packVersion')}>{pack.version}</Fact>
            <Fact label={t('settings.packKind')}>{pack.kind}</Fact>
            <Fact label={t('settings.packDim')}>{pack.dim}</Fact>
            <Fact label={t('settings.packLicense')}>{pack.license}</Fact>
            {pack.attribution.length ? (
              <Fact label={t('settings.packAttribution')}>
                {/* Licences and sources run to a page: folded, so the settings below stay in reach. */}
                <details className="attribution-fold">
                  <summary>
                    {t('settings.packAttributionSources', {
                      count: formatNumber(pack.attribution.length, language),
                    })}
                  </summary>
                  <ul className="plain-list attribution" data-testid="pack-attribution">
                    {pack.attribution.map((a) => (
                      <li key={a}>
                        <SafeMarkdown source={a} />
                      </li>
                    ))}
                  </ul>
                </details>
              </Fact>
            ) : null}
            <Fact label={t('settings.packMetrics')}>
              <Metrics metrics={pack.metrics} empty={t('settings.packNoMetrics')} />
            </Fact>
          </dl>
        ) : null}
        {reembed?.running ? (
          <div className="progress-block" data-testid="reembed-progress">
            <ProgressBar
              label={t('settings.reembedding')}
              value={reembed.progress?.chunksDone ?? 0}
              max={reembed.progress?.chunksTotal ?? 0}
            />
            <p className="muted small">
              {t('settings.reembedding')}
              {reembed.progress
                ? ` ${t('settings.reembedCount', {
                    done: formatNumber(reembed.progress.chunksDone, language),
                    total: formatNumber(reembed.progress.chunksTotal, language),
                  })}`
                : ''}
              {reembed.progress?.etaSeconds != null
                ? ` · ${t('library.progressEta', { eta: formatDuration(reembed.progress.etaSeconds, t) })}`
                : ''}
            </p>
          </div>
        ) : reembed?.lastError ? (
          <p className="error-text">
            {t('settings.reembedFailed', {
              message: describeLastError(reembed.lastError, reembed.lastErrorReason, t),
            })}
          </p>
        ) : status?.needsReembed ? (
          <p className="notice">{t('settings.reembed')}</p>
        ) : null}
      </section>

      <ModelsCard onInstalled={packsChanged} />

      <section className="card" aria-labelledby="provider-title">
        <h2 id="provider-title">{t('settings.provider')}</h2>
        <p className="muted small">{t('settings.providerHelp')}</p>
        <label className="field">
          <span>{t('settings.provider')}</span>
          <select
            className="input"
            value={settings.provider}
            onChange={(e) => void save({ provider: e.target.value as ProviderName })}
          >
            <ProviderOptions available={available} />
          </select>
        </label>
        <label className="field">
          <span>{t('settings.questionProvider')}</span>
          <select
            className="input"
            data-testid="question-provider"
            value={settings.questionProvider ?? ''}
            onChange={(e) =>
              void save({ questionProvider: e.target.value === '' ? null : (e.target.value as ProviderName) })
            }
          >
            <option value="">{t('settings.questionProviderSame')}</option>
            <ProviderOptions available={available} />
          </select>
        </label>
        {provider ? (
          <p data-testid="provider-active">
            {t('settings.providerInUse', { active: provider.active })}
            {provider.fallbackReason ? (
              <span className="muted">
                {' '}
                · {t('settings.providerFallback', { reason: describeFallback(provider.fallbackReason, t) })}
              </span>
            ) : null}
          </p>
        ) : null}
      </section>

      <section className="card" aria-labelledby="search-title">
        <h2 id="search-title">{t('settings.search')}</h2>
        <div>
          <label className="toggle">
            <input
              type="checkbox"
              checked={settings.crossLingual}
              data-testid="cross-lingual"
              onChange={(e) => void save({ crossLingual: e.target.checked })}
            />
            {t('settings.crossLingual')}
          </label>
          <p className="muted small">{t('settings.crossLingualHelp')}</p>
        </div>
      </section>

      <LearningCard paused={!settings.learning} onPause={(paused) => save({ learning: !paused })} />

      <section className="card" aria-labelledby="chunk-title">
        <h2 id="chunk-title">{t('settings.chunking')}</h2>
        <div className="field-row">
          <NumberField
            label={t('settings.chunkTarget')}
            value={settings.chunkTargetChars}
            min={CHUNK_TARGET_CHARS.min}
            max={CHUNK_TARGET_CHARS.max}
            onSave={(v) => void save({ chunkTargetChars: v })}
          />
          <NumberField
            label={t('settings.chunkOverlap')}
            value={settings.chunkOverlapChars}
            min={CHUNK_OVERLAP_CHARS.min}
            max={CHUNK_OVERLAP_CHARS.max}
            onSave={(v) => void save({ chunkOverlapChars: v })}
          />
          <NumberField
            label={t('settings.threads')}
            value={settings.threads}
            min={THREADS.min}
            max={THREADS.max}
            onSave={(v) => void save({ threads: v })}
          />
        </div>
        <p className="muted small">
          {t('settings.chunkHelp')} {t('settings.threadsHelp')}
        </p>
      </section>

      <section className="card" aria-labelledby="appearance-title">
        <h2 id="appearance-title">{t('settings.appearance')}</h2>
        <Choice
          name="theme"
          label={t('settings.theme')}
          value={settings.theme}
          options={[
            ['system', t('settings.theme.system')],
            ['light', t('settings.theme.light')],
            ['dark', t('settings.theme.dark')],
          ]}
          onChange={(theme) => void save({ theme })}
        />
        <Choice
          name="language"
          label={t('settings.language')}
          value={settings.language}
          options={[
            ['system', t('settings.language.system')],
            ['zh', '中文'],
            ['en', 'English'],
          ]}
          onChange={(l) => void save({ language: l })}
        />
      </section>

      <section className="card" aria-labelledby="about-title">
        <h2 id="about-title">{t('settings.about')}</h2>
        {info ? (
          <p>
            {t('settings.version', {
              version: info.version,
              mode: t(info.mode === 'desktop' ? 'settings.mode.desktop' : 'settings.mode.web'),
              platform: `${info.platform}-${info.arch}`,
            })}
          </p>
        ) : null}
        {status ? (
          <p className="muted small">
            {t('settings.database')}: <code>{status.dbPath}</code> ({formatBytes(status.dbBytes, language)})
          </p>
        ) : null}
      </section>
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** Released metrics as one table (metricsTable.ts), never raw JSON. */
function Metrics({ metrics, empty }: { metrics: Record<string, unknown>; empty: string }) {
  const { columns, rows } = metricsTable(metrics);
  if (rows.length === 0) return <span className="muted">{empty}</span>;
  return (
    <table className="metrics" data-testid="pack-metrics">
      <thead>
        <tr>
          <td />
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.label}>
            <th scope="row">{row.label}</th>
            {row.cells.map((cell, i) => (
              <td key={columns[i]}>{cell ?? ''}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Built-in pack, one installed in the models folder, or any pack folder by path. */
function PackChooser({
  packDir,
  version,
  onSave,
}: {
  packDir: string | null;
  version: number;
  onSave(dir: string | null): void;
}) {
  const { t } = useI18n();
  const { reportError } = useAppState();
  const [packs, setPacks] = useState<PackListing[]>([]);
  const [custom, setCustom] = useState(false);
  const [dir, setDir] = useState(packDir ?? '');
  useEffect(() => {
    api.call('listPacks').then(setPacks, (e: unknown) => reportError(e));
  }, [reportError, version]);
  const installed = packs.some((p) => p.dir === packDir);
  const showPath = custom || (packDir !== null && !installed);
  useEffect(() => setDir(packDir ?? ''), [packDir]);
  const selected = showPath ? CUSTOM : (packDir ?? BUILTIN);
  return (
    <div className="pack-chooser">
      <label className="field">
        <span>{t('settings.packChoice')}</span>
        <select
          className="input"
          value={selected}
          onChange={(e) => {
            const value = e.target.value;
            setCustom(value === CUSTOM);
            if (value === BUILTIN) onSave(null);
            else if (value !== CUSTOM) onSave(value);
          }}
        >
          <option value={BUILTIN}>{t('settings.packBuiltin')}</option>
          {packs.map((p) => (
            <option key={p.dir} value={p.dir}>
              {p.name} — {p.kind}, {p.dim}d
            </option>
          ))}
          <option value={CUSTOM}>{t('settings.packImported')}</option>
        </select>
      </label>
      {showPath ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (dir.trim()) onSave(dir.trim());
          }}
        >
          <label htmlFor="pack-dir" className="visually-hidden">
            {t('settings.packPathLabel')}
          </label>
          <input
            id="pack-dir"
            className="input"
            value={dir}
            onChange={(e) => setDir(e.target.value)}
            spellCheck={false}
          />
          <button type="submit" className="button" disabled={!dir.trim() || dir.trim() === packDir}>
            {t('settings.packApply')}
          </button>
        </form>
      ) : null}
    </div>
  );
}

const BUILTIN = '@builtin';
const CUSTOM = '@folder';

function NumberField(props: {
  label: string;
  value: number;
  min: number;
  max: number;
  onSave(v: number): void;
}) {
  const [text, setText] = useState(String(props.value));
  useEffect(() => setText(String(props.value)), [props.value]);
  const commit = (): void => {
    const n = Number(text);
    if (Number.isInteger(n) && n >= props.min && n <= props.max && n !== props.value) props.onSave(n);
    else setText(String(props.value));
  };
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        className="input"
        type="number"
        inputMode="numeric"
        min={props.min}
        max={props.max}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
    </label>
  );
}

function Choice<V extends string>(props: {
  name: string;
  label: string;
  value: V;
  options: [V, string][];
  onChange(v: V): void;
}) {
  return (
    <fieldset className="segmented" data-testid={`choice-${props.name}`}>
      <legend>{props.label}</legend>
      {props.options.map(([value, text]) => (
        <label key={value} className={`segment${props.value === value ? ' segment-on' : ''}`}>
          <input
            type="radio"
            name={props.name}
            value={value}
            checked={props.value === value}
            onChange={() => props.onChange(value)}
          />
          {text}
        </label>
      ))}
    </fieldset>
  );
}

/** The execution providers, each marked with whether this machine offers it. */
function ProviderOptions({ available }: { available: ReadonlySet<string> }) {
  const { t } = useI18n();
  return (
    <>
      {PROVIDER_NAMES.map((p) => (
        <option key={p} value={p}>
          {p === 'auto'
            ? 'auto'
            : `${p} — ${available.has(p) ? t('settings.providerAvailable') : t('settings.providerUnavailable')}`}
        </option>
      ))}
    </>
  );
}
