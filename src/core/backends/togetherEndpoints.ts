/**
 * Together's dedicated endpoints (`/endpoints`, `/hardware` of Together's published OpenAPI description): list the
 * user's endpoints for a model, the hardware a model can run on with its price, create one, start and stop it.
 * An endpoint is billed per minute of uptime (`pricing.cents_per_minute` per replica), even idle, so creating one is
 * offered only behind a confirmation built by `endpointConfirmation`, which states that unit and the price.
 */
import type OpenAI from 'openai';
import * as v from 'valibot';
import { decode } from '../../shared/decode';
import { BackendError } from './openaiShape';

const STATES = ['PENDING', 'STARTING', 'STARTED', 'STOPPING', 'STOPPED', 'ERROR'] as const;
export type EndpointState = (typeof STATES)[number];

const EndpointSchema = v.looseObject({
  id: v.string(),
  name: v.string(),
  display_name: v.optional(v.string()),
  model: v.string(),
  hardware: v.optional(v.string()),
  type: v.picklist(['dedicated', 'serverless']),
  owner: v.optional(v.string()),
  state: v.picklist(STATES),
  autoscaling: v.optional(v.looseObject({ min_replicas: v.number(), max_replicas: v.number() })),
  created_at: v.optional(v.string()),
});

const HardwareSchema = v.looseObject({
  id: v.string(),
  pricing: v.looseObject({ cents_per_minute: v.number() }),
  specs: v.looseObject({ gpu_type: v.string(), gpu_memory: v.number(), gpu_count: v.number() }),
  availability: v.optional(v.looseObject({ status: v.picklist(['available', 'unavailable', 'insufficient']) })),
});

export interface TogetherEndpoint {
  readonly id: string;
  /** What chat requests send as `model` once the endpoint is STARTED. */
  readonly name: string;
  readonly displayName?: string;
  readonly model: string;
  readonly hardware?: string;
  readonly type: 'dedicated' | 'serverless';
  readonly state: EndpointState;
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
}

export interface TogetherHardware {
  readonly id: string;
  /** Price of one replica, US cents per minute of uptime. */
  readonly centsPerMinute: number;
  /** "1 × h100-80gb (80 GB)". */
  readonly gpus: string;
  readonly availability?: 'available' | 'unavailable' | 'insufficient';
}

export interface EndpointRequest {
  readonly model: string;
  readonly hardware: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly displayName?: string;
}

function endpointOf(raw: unknown): TogetherEndpoint {
  const d = decode(EndpointSchema, raw);
  if (!d.ok) throw unreadable('endpoint', d.message);
  const e = d.value;
  return {
    id: e.id,
    name: e.name,
    displayName: e.display_name,
    model: e.model,
    hardware: e.hardware,
    type: e.type,
    state: e.state,
    minReplicas: e.autoscaling?.min_replicas,
    maxReplicas: e.autoscaling?.max_replicas,
  };
}

function hardwareOf(raw: unknown): TogetherHardware {
  const d = decode(HardwareSchema, raw);
  if (!d.ok) throw unreadable('hardware entry', d.message);
  const h = d.value;
  return {
    id: h.id,
    centsPerMinute: h.pricing.cents_per_minute,
    gpus: `${h.specs.gpu_count} × ${h.specs.gpu_type} (${h.specs.gpu_memory} GB)`,
    availability: h.availability?.status,
  };
}

function unreadable(what: string, message: string): BackendError {
  return new BackendError({
    kind: 'unknown',
    title: `Together sent an ${what} Socratune cannot read`,
    message: `Together sent an ${what} Socratune cannot read: ${message}.`,
    actions: ['showLog'],
  });
}

const listOf = (r: unknown): unknown[] => (Array.isArray((r as { data?: unknown } | undefined)?.data) ? (r as { data: unknown[] }).data : []);

/** Why a replica range is refused, or undefined (Together bills every running replica). */
export function replicasError(min: number, max: number): string | undefined {
  if (!Number.isInteger(min) || !Number.isInteger(max)) return 'Replica counts are whole numbers.';
  if (min < 1) return 'At least 1 replica must run (min_replicas ≥ 1).';
  if (max < min) return `max_replicas (${max}) must be at least min_replicas (${min}).`;
  if (max > 20) return 'Socratune creates at most 20 replicas; ask Together for more.';
  return undefined;
}

const usd = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/**
 * The confirmation text before creating an endpoint: the price unit (per minute of uptime, per replica), the
 * hardware's price from `/hardware`, what that makes per hour for the replica range, and that idle time is billed.
 */
export function endpointConfirmation(req: EndpointRequest, hw: TogetherHardware): { title: string; detail: string } {
  const perHour = hw.centsPerMinute * 60;
  const range =
    req.minReplicas === req.maxReplicas
      ? `${req.minReplicas} replica${req.minReplicas === 1 ? '' : 's'}: ${usd(perHour * req.minReplicas)} per hour`
      : `${req.minReplicas}–${req.maxReplicas} replicas: ${usd(perHour * req.minReplicas)} to ${usd(perHour * req.maxReplicas)} per hour`;
  return {
    title: `Create a dedicated Together endpoint for ${req.model}? It is billed per minute while it runs, even when idle.`,
    detail:
      `Hardware ${hw.id} (${hw.gpus}) costs ${hw.centsPerMinute}¢ per minute per replica (${usd(perHour)} per hour). ` +
      `With ${range}. The endpoint starts as soon as it is created; stop it from the Models view (or on together.ai) to stop the billing.`,
  };
}

/** Together's endpoint and hardware calls over the shared `openai` client (errors become `BackendError`s via `call`). */
export class TogetherEndpoints {
  constructor(
    private readonly client: OpenAI,
    private readonly call: <T>(fn: () => Promise<T>) => Promise<T>,
  ) {}

  /** The caller's dedicated endpoints, those serving `model` only when given. */
  list(model?: string, signal?: AbortSignal): Promise<TogetherEndpoint[]> {
    return this.call(async () => {
      const r = await this.client.get<unknown>('/endpoints', { query: { type: 'dedicated', mine: true }, signal });
      return listOf(r)
        .map(endpointOf)
        .filter((e) => e.type === 'dedicated' && (model === undefined || e.model === model));
    });
  }

  /** Hardware `model` can be deployed on, with prices; an empty list when Together cannot deploy it (404). */
  hardware(model: string, signal?: AbortSignal): Promise<TogetherHardware[]> {
    return this.call(async () => {
      try {
        return listOf(await this.client.get<unknown>('/hardware', { query: { model }, signal })).map(hardwareOf);
      } catch (err) {
        if ((err as { status?: unknown }).status === 404) return [];
        throw err;
      }
    });
  }

  /** Creates (and so starts) a billed endpoint: call only after the user accepted `endpointConfirmation`. */
  create(req: EndpointRequest): Promise<TogetherEndpoint> {
    return this.call(async () => {
      const body = {
        model: req.model,
        hardware: req.hardware,
        autoscaling: { min_replicas: req.minReplicas, max_replicas: req.maxReplicas },
        ...(req.displayName ? { display_name: req.displayName } : {}),
      };
      return endpointOf(await this.client.post('/endpoints', { body, maxRetries: 0 }));
    });
  }

  get(id: string, signal?: AbortSignal): Promise<TogetherEndpoint> {
    return this.call(async () => endpointOf(await this.client.get(`/endpoints/${encodeURIComponent(id)}`, { signal })));
  }

  start(id: string): Promise<TogetherEndpoint> {
    return this.setState(id, 'STARTED');
  }

  stop(id: string): Promise<TogetherEndpoint> {
    return this.setState(id, 'STOPPED');
  }

  private setState(id: string, state: 'STARTED' | 'STOPPED'): Promise<TogetherEndpoint> {
    return this.call(async () => endpointOf(await this.client.patch(`/endpoints/${encodeURIComponent(id)}`, { body: { state } })));
  }
}
