/**
 * The one message protocol between the extension host and the chat webview: types only (imported by both
 * bundles). Everything the webview sends is validated at run time by `validateFromChatWebview`
 * (src/shared/protocolValidate.ts) before the host acts on it.
 *
 * Names are namespaced (`chat/…`, `conversation/…`). A stream is identified by `requestId`; its deltas carry
 * the character `offset` where they start, so a webview that received a snapshot (after being hidden or
 * re-created) applies only what it does not have yet. The API key never appears in any message.
 */
import type { CompareSide, Conversation, ConversationSummary, PromptSource, SamplingParams, Turn } from '../core/chat/types';

import type { InferOutput } from 'valibot';
import type { FromChatWebviewSchema } from './protocolValidate';

export type { CompareSide, Conversation, ConversationSummary, PromptSource, SamplingParams, Turn };
export type { CompareTurn, Reply, UserTurn } from '../core/chat/types';

export const PROTOCOL_VERSION = 2;

/** Where a model in the picker comes from. */
export type ModelKind = 'fine-tuned' | 'checkpoint' | 'base' | 'server' | 'custom';

export interface ModelEntry {
  readonly id: string;
  readonly kind: ModelKind;
  /** e.g. "trained on journal · 2026-11-20" or "shuts down 2027-01-14". */
  readonly detail?: string;
  /** The model carries the system prompt it was trained with. */
  readonly hasBoundPrompt: boolean;
  /** Fine-tunes and checkpoints: the base model it was trained from, when the backend knows it. */
  readonly baseModel?: string;
  /** Why the backend cannot answer with it yet (e.g. an Azure fine-tune without a deployment); absent = it answers. */
  readonly unavailable?: string;
  /** How a chat request addresses it, when that is not its ID (e.g. `Azure deployment "x" serving …`). */
  readonly via?: string;
}

export interface ModelsState {
  readonly entries: readonly ModelEntry[];
  readonly loading: boolean;
  /** Why listing failed (the picker still accepts any typed model ID). */
  readonly error?: string;
  /** The backend/profile these models belong to, e.g. "OpenAI" or "OpenAI-compatible · 127.0.0.1:11434". */
  readonly backend: string;
}

export interface PromptPreset {
  readonly id: string;
  readonly name: string;
  readonly text: string;
}

/** Which system prompt to send. `bound` = the one the selected fine-tuned model was trained with. */
export type PromptChoice =
  | { readonly mode: 'bound' }
  | { readonly mode: 'preset'; readonly presetId: string }
  | { readonly mode: 'custom'; readonly text: string }
  | { readonly mode: 'none' };

/** The second column of compare mode (column A uses the main model and prompt). */
export interface CompareSettings {
  readonly enabled: boolean;
  readonly model: string;
  readonly prompt: PromptChoice;
}

export interface ChatSettings {
  readonly model: string;
  readonly prompt: PromptChoice;
  readonly params: SamplingParams;
  readonly compare: CompareSettings;
}

/** The system prompt that will actually be sent, resolved for display ("at a glance"). */
export interface ActivePrompt {
  readonly source: PromptSource;
  readonly label: string;
  readonly text: string;
  /** The model has a bound training prompt but another prompt is active (train/infer mismatch warning). */
  readonly differsFromBound: boolean;
}

export interface StreamInfo {
  readonly requestId: string;
  readonly conversationId: string;
  readonly turnId: string;
  readonly side?: CompareSide;
}

export interface DatasetInfo {
  /** `socratune.addExample` is registered (the dataset feature is present). */
  readonly available: boolean;
  /** Name of the active dataset folder, when one is selected. */
  readonly name?: string;
}

export interface SettingsPayload {
  readonly settings: ChatSettings;
  readonly activePrompt: ActivePrompt;
  readonly activePromptB: ActivePrompt;
  readonly presets: readonly PromptPreset[];
  /** Set when no model was picked yet and one was chosen for the user: which, and why (shown in the empty chat). */
  readonly modelNote?: string;
}

/** Everything the view shows; sent on `chat/ready` and whenever the conversation is switched. */
export interface ChatSnapshot extends SettingsPayload {
  /** null = a fresh, not yet saved conversation. Streaming turns hold the text received so far. */
  readonly conversation: Conversation | null;
  readonly conversations: readonly ConversationSummary[];
  readonly models: ModelsState;
  readonly streams: readonly StreamInfo[];
  readonly dataset: DatasetInfo;
}

// ---------------------------------------------------------------- host → webview

export type ToChatWebview =
  | { readonly type: 'chat/state'; readonly version: number; readonly snapshot: ChatSnapshot }
  /** Insert or replace one turn (by id) of the shown conversation. */
  | { readonly type: 'chat/turn'; readonly conversationId: string; readonly turn: Turn }
  /** Keep only the first `keep` turns (edit and resubmit, regenerate). */
  | { readonly type: 'chat/truncate'; readonly conversationId: string; readonly keep: number }
  | { readonly type: 'chat/streamStart'; readonly stream: StreamInfo }
  /** Batched text of one stream, starting at character `offset` of the reply. */
  | {
      readonly type: 'chat/delta';
      readonly requestId: string;
      readonly conversationId: string;
      readonly turnId: string;
      readonly side?: CompareSide;
      readonly offset: number;
      readonly text: string;
    }
  /** The stream ended; the final turn follows as `chat/turn`. */
  | { readonly type: 'chat/streamEnd'; readonly requestId: string; readonly conversationId: string; readonly turnId: string; readonly side?: CompareSide }
  | { readonly type: 'chat/conversations'; readonly conversations: readonly ConversationSummary[] }
  | ({ readonly type: 'chat/settings' } & SettingsPayload)
  | { readonly type: 'chat/models'; readonly models: ModelsState }
  | { readonly type: 'chat/dataset'; readonly dataset: DatasetInfo }
  | { readonly type: 'chat/notice'; readonly level: 'info' | 'warning' | 'error'; readonly message: string }
  /** Put text in the composer (e.g. "Edit" of the last prompt driven from the host) and focus it. */
  | { readonly type: 'chat/focusComposer'; readonly text?: string };

// ---------------------------------------------------------------- webview → host

/** Host commands a button in the view may run (an allowlist: nothing else can be executed). */
export const HOST_COMMANDS = ['setApiKey', 'selectProvider', 'selectDataset', 'showLog', 'openInEditor'] as const;
export type HostCommand = (typeof HOST_COMMANDS)[number];

/**
 * Everything the webview may send: the type is inferred from the schemas in ./protocolValidate.ts, which the host
 * also runs on every message (one source for both). Notes per message: `chat/send` sends a prompt with the current
 * settings (to two setups in compare mode); `chat/stop` stops one stream, or every stream of the view without
 * `requestId`; `chat/regenerate` drops an assistant turn (and what follows) and asks again; `chat/retry` re-runs a
 * failed or stopped reply (one side of a compare with `side`); `chat/editResend` replaces an earlier user turn and
 * resubmits; `chat/addToDataset` is "Add to Training Set" ("Edit, then Add" with `edit`); `chat/openLink` asks the
 * host to confirm and open a link from a reply.
 */
export type FromChatWebview = InferOutput<typeof FromChatWebviewSchema>;

export type FromChatWebviewType = FromChatWebview['type'];

/** Limits enforced by the validator (and by the composer, so the user learns them early). */
export const LIMITS = {
  promptChars: 200_000,
  copyChars: 2_000_000,
  titleChars: 120,
  modelIdChars: 256,
  presetNameChars: 80,
  presetTextChars: 20_000,
  hrefChars: 4_096,
} as const;
