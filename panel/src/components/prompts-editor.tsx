/**
 * Per prompt: a text to synthesize (with a play preview of exactly what the caller would
 * hear: the product's own audio URLs, or the browser's voice for a <Say>), or an uploaded
 * recording with a player.
 */
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { api, ApiError, type PromptOverride } from '../api';
import { useApp } from '../app-context';

type Segment = { kind: 'say'; text: string; voice: string; language: string } | { kind: 'play'; url: string; transcript: string };

async function playSegments(segments: Segment[], onSegment: (text: string) => void, cancelled: () => boolean): Promise<void> {
  for (const segment of segments) {
    if (cancelled()) return;
    if (segment.kind === 'play') {
      onSegment(segment.transcript);
      await new Promise<void>((resolve) => {
        const audio = new Audio(segment.url);
        audio.onended = () => resolve();
        audio.onerror = () => resolve();
        audio.play().catch(() => resolve());
      });
    } else {
      onSegment(segment.text);
      const synth = window.speechSynthesis as SpeechSynthesis | undefined;
      if (!synth) continue;
      await new Promise<void>((resolve) => {
        const utterance = new SpeechSynthesisUtterance(segment.text);
        utterance.lang = segment.language;
        utterance.onend = () => resolve();
        utterance.onerror = () => resolve();
        synth.speak(utterance);
        // Some browsers never report the end of an utterance: do not hang the button.
        setTimeout(resolve, 15_000);
      });
    }
  }
}

export function PromptRow(props: {
  /** The name the module stores the prompt under (and the recordings route takes). */
  promptKey: string;
  /** The catalogue prompt a preview speaks, when it differs from promptKey (club prompts). */
  previewKey?: string;
  label?: string;
  /** Extra control beside the label (the club's "Don't play"). */
  extra?: ComponentChildren;
  moduleCode: string | undefined;
  language: 'fa' | 'en';
  value: PromptOverride | undefined;
  defaultText: string;
  error?: string | undefined;
  onChange: (value: PromptOverride | undefined) => void;
}) {
  const { t, code, meta } = useApp();
  const [playing, setPlaying] = useState<string | null>(null);
  // What the last preview contained, kept after it ends (a <Say> may end at once without a voice).
  const [heard, setHeard] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | undefined>();
  const stopRef = useRef(false);
  const key = props.promptKey;
  const text = props.value?.text ?? '';
  const audioKey = props.value?.audioKey;

  const preview = async () => {
    setProblem(undefined);
    stopRef.current = false;
    try {
      const override: PromptOverride = { ...(text.trim() ? { text: text.trim() } : {}), ...(audioKey ? { audioKey } : {}) };
      const { segments } = await api<{ segments: Segment[] }>('/prompts/preview', {
        method: 'POST',
        body: { language: props.language, prompt: props.previewKey ?? key, ...(override.text || override.audioKey ? { override } : {}) },
      });
      setHeard(segments.map((s) => (s.kind === 'say' ? s.text : s.transcript)).join(' '));
      await playSegments(segments, (s) => setPlaying(s), () => stopRef.current);
    } catch (e) {
      setProblem(e instanceof ApiError ? (e.errors[0]?.message ?? e.message) : t('previewUnavailable'));
    } finally {
      setPlaying(null);
    }
  };

  const upload = async (file: File) => {
    if (!props.moduleCode) return;
    setProblem(undefined);
    try {
      const result = await api<{ audioKey: string }>(`/modules/${encodeURIComponent(props.moduleCode)}/prompts/${key}/recording`, {
        method: 'PUT',
        raw: { data: file, type: file.type || 'audio/wav' },
      });
      props.onChange({ ...props.value, audioKey: result.audioKey });
    } catch (e) {
      setProblem((e as Error).message);
    }
  };

  const removeRecording = async () => {
    if (!props.moduleCode) return;
    try {
      await api(`/modules/${encodeURIComponent(props.moduleCode)}/prompts/${key}/recording`, { method: 'DELETE' });
      props.onChange(text ? { text } : undefined);
    } catch (e) {
      setProblem((e as Error).message);
    }
  };

  const id = `prompt-${key}`;
  return (
    <div class={`prompt-row${props.error || problem ? ' has-error' : ''}`} data-testid={id}>
      <label for={id}>{props.label ?? code(`prompt.${key}`)}</label>
      {props.extra}
      <div class="prompt-body">
        <textarea
          id={id}
          rows={1}
          value={text}
          dir={props.language === 'fa' ? 'rtl' : 'ltr'}
          placeholder={props.defaultText}
          maxLength={meta.limits.promptTextMaxLength}
          onInput={(e) => {
            const value = e.currentTarget.value;
            setHeard(null);
            props.onChange(value || audioKey ? { ...(value ? { text: value } : {}), ...(audioKey ? { audioKey } : {}) } : undefined);
          }}
        />
        {playing === null ? (
          <button type="button" onClick={() => void preview()} data-testid={`${id}-play`}>
            ▶ {t('preview')}
          </button>
        ) : (
          <button
            type="button"
            onClick={() => {
              stopRef.current = true;
              window.speechSynthesis?.cancel();
            }}
          >
            ■ {t('stop')}
          </button>
        )}
      </div>
      {(playing ?? heard) !== null && (
        <p class="hint" data-testid={`${id}-heard`}>
          ♪ {playing ?? heard}
        </p>
      )}
      {audioKey && (
        <div class="recording">
          <span>{t('recording')}:</span>
          <audio controls preload="none" src={`${meta.audioBaseUrl}/uploads/${encodeURIComponent(audioKey)}`} />
          <button type="button" class="danger" onClick={() => void removeRecording()}>
            {t('removeRecording')}
          </button>
        </div>
      )}
      {meta.features.recordings && props.moduleCode && (
        <label class="upload">
          {t('upload')}
          <input
            type="file"
            accept="audio/wav,audio/mpeg,.wav,.mp3"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void upload(file);
            }}
          />
        </label>
      )}
      {(props.error || problem) && (
        <p class="field-error" role="alert" data-error-for={id}>
          {props.error ?? problem}
        </p>
      )}
    </div>
  );
}

export function PromptsEditor(props: {
  moduleCode: string | undefined;
  language: 'fa' | 'en';
  prompts: Record<string, PromptOverride>;
  errorFor: (key: string) => string | undefined;
  onChange: (prompts: Record<string, PromptOverride>) => void;
}) {
  const { t, meta, digits } = useApp();
  const overridden = Object.keys(props.prompts).length;
  return (
    <div class="prompts">
      <p class="hint">{t('promptsHint')}</p>
      <p class="hint">{!meta.features.recordings ? t('uploadsUnavailable') : props.moduleCode ? '' : t('uploadAfterSave')}</p>
      <details open={overridden > 0}>
        <summary>
          {t('sectionPrompts')} ({digits(meta.prompts.length)})
        </summary>
        {meta.prompts.map((p) => (
          <PromptRow
            key={p.key}
            promptKey={p.key}
            moduleCode={props.moduleCode}
            language={props.language}
            value={props.prompts[p.key]}
            defaultText={p.defaults[props.language]}
            error={props.errorFor(p.key)}
            onChange={(value) => {
              const next = { ...props.prompts };
              if (value) next[p.key] = value;
              else delete next[p.key];
              props.onChange(next);
            }}
          />
        ))}
      </details>
    </div>
  );
}
