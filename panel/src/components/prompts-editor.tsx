/**
 * Per prompt: a text to synthesize (with a play preview of exactly what the caller would
 * hear: the product's own audio URLs, or the browser's voice for a <Say>), or an uploaded
 * recording with a player. A Persian module's voice (clips or neural) with a sample
 * announcement, and which case applies to Persian text (a synthesizer speaks it, or it needs a
 * recording).
 */
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { api, ApiError, type PersianVoice, type PromptOverride } from '../api';
import { Field } from './field';
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
  /** The module's Persian voice: previews speak in it. */
  voice?: PersianVoice | undefined;
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
        body: {
          language: props.language,
          prompt: props.previewKey ?? key,
          ...(override.text || override.audioKey ? { override } : {}),
          ...(props.voice ? { voice: props.voice } : {}),
        },
      });
      setHeard(segments.map((s) => (s.kind === 'say' ? s.text : s.transcript)).join(' '));
      await playSegments(
        segments,
        (s) => setPlaying(s),
        () => stopRef.current,
      );
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

/** Which case applies to Persian text on this installation: spoken by a synthesizer, or it needs a recording. */
export function persianVoiceHint(t: ReturnType<typeof useApp>['t'], synthesizer: 'azure' | 'espeak' | null): string {
  return synthesizer === 'azure' ? t('voiceHintAzure') : synthesizer === 'espeak' ? t('voiceHintEspeak') : t('voiceHintNone');
}

/** A Persian module's voice, with a sample announcement (1,250,000 in the module's unit) spoken in it. */
export function VoiceField(props: {
  id: string;
  language: 'fa' | 'en';
  voice: PersianVoice | undefined;
  unit?: 'rial' | 'toman';
  prompts?: Record<string, PromptOverride>;
  error?: string | undefined;
  onChange: (voice: PersianVoice) => void;
}) {
  const { t, meta } = useApp();
  const [heard, setHeard] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | undefined>();
  if (props.language !== 'fa') return null;
  const synthesizer = meta.features.persianVoice;
  const sample = async () => {
    setProblem(undefined);
    try {
      const { segments } = await api<{ segments: Segment[] }>('/speech/preview', {
        method: 'POST',
        body: { language: 'fa', voice: props.voice ?? 'clips', unit: props.unit ?? 'rial', prompts: props.prompts ?? {} },
      });
      setHeard(segments.map((s) => (s.kind === 'say' ? s.text : s.transcript)).join(' '));
      await playSegments(
        segments,
        () => undefined,
        () => false,
      );
    } catch (e) {
      setProblem(e instanceof ApiError ? (e.errors[0]?.message ?? e.message) : t('previewUnavailable'));
    }
  };
  return (
    <Field id={props.id} label={t('fVoice')} hint={persianVoiceHint(t, synthesizer)} error={props.error ?? problem}>
      <div class="prompt-body">
        <select id={props.id} value={props.voice ?? 'clips'} onChange={(e) => props.onChange(e.currentTarget.value as PersianVoice)}>
          <option value="clips">{t('voiceClips')}</option>
          <option value="neural" disabled={synthesizer === null && props.voice !== 'neural'}>
            {t('voiceNeural')}
          </option>
        </select>
        <button type="button" onClick={() => void sample()} data-testid={`${props.id}-play`}>
          ▶ {t('previewVoice')}
        </button>
      </div>
      {heard !== null && (
        <p class="hint" data-testid={`${props.id}-heard`}>
          ♪ {heard}
        </p>
      )}
    </Field>
  );
}

export function PromptsEditor(props: {
  moduleCode: string | undefined;
  language: 'fa' | 'en';
  voice?: PersianVoice | undefined;
  prompts: Record<string, PromptOverride>;
  errorFor: (key: string) => string | undefined;
  onChange: (prompts: Record<string, PromptOverride>) => void;
}) {
  const { t, meta, digits } = useApp();
  const overridden = Object.keys(props.prompts).length;
  return (
    <div class="prompts">
      <p class="hint">{t('promptsHint')}</p>
      {props.language === 'fa' && (
        <p class="hint" data-testid="persian-text-rule">
          {persianVoiceHint(t, meta.features.persianVoice)}
        </p>
      )}
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
            voice={props.voice}
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
