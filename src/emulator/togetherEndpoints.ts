/**
 * Dedicated endpoints of the emulator's Together flavor (`/endpoints`, `/endpoints/{id}`, `/hardware`), shaped as in
 * Together's published OpenAPI description (`DedicatedEndpoint`, `ListEndpoint`, `HardwareWithStatus`). An endpoint
 * moves PENDING → STARTING → STARTED after creation or a start, and STOPPING → STOPPED after a stop, in simulated
 * minutes (scaled by the clock). `servingEndpoint` is chat's rule: a fine-tune that needs an endpoint answers only
 * while one is STARTED. Bases ending in `-Reference` can be trained but not deployed (`/hardware` answers 404), as
 * Together documents. Endpoints live in memory only (not in the state directory); nothing is billed.
 */
import { createHash } from 'node:crypto';
import type { Emulator, RequestContext, Route } from './context';
import { route } from './context';
import { ApiError, invalidRequest, notFound } from './errors';
import { readJsonObject } from './http';
import { syncJobs } from './lifecycle';
import { optInteger, optObject, optString, requireString, type JsonObject } from './params';
import { togetherBase } from './togetherCatalog';

type State = 'PENDING' | 'STARTING' | 'STARTED' | 'STOPPING' | 'STOPPED' | 'ERROR';

interface EndpointRecord {
  readonly id: string;
  readonly name: string;
  displayName: string;
  readonly model: string;
  readonly hardware: string;
  minReplicas: number;
  maxReplicas: number;
  readonly createdMs: number;
  /** The last start or stop: what was asked and when (emulator ms). */
  want: 'STARTED' | 'STOPPED';
  sinceMs: number;
  /** Start asked on a never-started endpoint: PENDING first. */
  fresh: boolean;
}

const HARDWARE = [
  { id: '1x_nvidia_a100_80gb_sxm', cents: 4.0, type: 'a100-80gb', memory: 80, count: 1 },
  { id: '1x_nvidia_h100_80gb_sxm', cents: 5.58, type: 'h100-80gb', memory: 80, count: 1 },
  { id: '2x_nvidia_h100_80gb_sxm', cents: 11.16, type: 'h100-80gb', memory: 80, count: 2 },
] as const;

/** Simulated seconds in each transitional state. */
const PENDING_S = 60;
const STARTING_S = 180;
const STOPPING_S = 30;

const stores = new WeakMap<Emulator, Map<string, EndpointRecord>>();

function store(emu: Emulator): Map<string, EndpointRecord> {
  let s = stores.get(emu);
  if (!s) stores.set(emu, (s = new Map()));
  return s;
}

function stateOf(emu: Emulator, e: EndpointRecord): State {
  const s = (emu.clock.now() - e.sinceMs) / emu.clock.scaled(1);
  if (e.want === 'STOPPED') return s < STOPPING_S ? 'STOPPING' : 'STOPPED';
  const pending = e.fresh ? PENDING_S : 0;
  return s < pending ? 'PENDING' : s < pending + STARTING_S ? 'STARTING' : 'STARTED';
}

/** The base a deployable model runs on, or undefined when Together would not deploy it. */
function deployableBase(emu: Emulator, model: string): string | undefined {
  const base = togetherBase(model);
  if (base) return base.id.endsWith('-Reference') ? undefined : base.id;
  syncJobs(emu);
  const ft = emu.state.models.get(model);
  return ft && !ft.deleted && togetherBase(ft.base) ? ft.base : undefined;
}

/** Hardware a model fits on: 70B-class bases need two GPUs. */
function hardwareFor(base: string) {
  return HARDWARE.filter((h) => !/70B/i.test(base) || h.count >= 2);
}

function hardwareShape(emu: Emulator, h: (typeof HARDWARE)[number], withStatus: boolean) {
  return {
    object: 'hardware' as const,
    id: h.id,
    pricing: { cents_per_minute: h.cents },
    specs: { gpu_type: h.type, gpu_link: 'sxm', gpu_memory: h.memory, gpu_count: h.count },
    ...(withStatus ? { availability: { status: 'available' as const } } : {}),
    updated_at: new Date(emu.clock.now()).toISOString(),
  };
}

function listHardware(ctx: RequestContext) {
  const model = ctx.query.get('model');
  if (model === null) return { object: 'list', data: HARDWARE.map((h) => hardwareShape(ctx.emu, h, false)) };
  const base = deployableBase(ctx.emu, model);
  if (!base) throw notFound(`Model ${model} is not available for dedicated endpoints.`, 'model', 'model_not_found');
  return { object: 'list', data: hardwareFor(base).map((h) => hardwareShape(ctx.emu, h, true)) };
}

function dedicatedShape(emu: Emulator, e: EndpointRecord) {
  return {
    object: 'endpoint' as const,
    id: e.id,
    name: e.name,
    display_name: e.displayName,
    model: e.model,
    hardware: e.hardware,
    type: 'dedicated' as const,
    owner: emu.config.org,
    state: stateOf(emu, e),
    autoscaling: { min_replicas: e.minReplicas, max_replicas: e.maxReplicas },
    created_at: new Date(e.createdMs).toISOString(),
  };
}

function readAutoscaling(body: JsonObject, required: boolean): { min: number; max: number } | undefined {
  const a = optObject(body, 'autoscaling');
  if (!a) {
    if (required) throw invalidRequest('autoscaling is required (min_replicas, max_replicas).', 'autoscaling', 'missing_required_parameter');
    return undefined;
  }
  const min = optInteger(a, 'min_replicas', 1, 100, 'autoscaling.min_replicas');
  const max = optInteger(a, 'max_replicas', 1, 100, 'autoscaling.max_replicas');
  if (min === undefined || max === undefined)
    throw invalidRequest('autoscaling needs min_replicas and max_replicas.', 'autoscaling', 'missing_required_parameter');
  if (max < min) throw invalidRequest('autoscaling.max_replicas must be at least min_replicas.', 'autoscaling.max_replicas', 'invalid_value');
  return { min, max };
}

async function create(ctx: RequestContext) {
  const { emu } = ctx;
  const body = await readJsonObject(ctx.req, emu.config.maxJsonBytes);
  const model = requireString(body, 'model');
  const hardware = requireString(body, 'hardware');
  const base = deployableBase(emu, model);
  if (!base) throw invalidRequest(`Model ${model} cannot be deployed on a dedicated endpoint.`, 'model', 'model_not_available');
  if (!hardwareFor(base).some((h) => h.id === hardware))
    throw invalidRequest(`Hardware ${hardware} is not available for ${model}. See GET /hardware?model=….`, 'hardware', 'invalid_value');
  const scale = readAutoscaling(body, true) as { min: number; max: number };
  const all = store(emu);
  const hex = createHash('sha256').update(`${emu.config.seed}:together-endpoint:${all.size}:${model}`).digest('hex');
  const suffix = hex.slice(0, 8);
  const now = emu.clock.now();
  const stopped = optString(body, 'state') === 'STOPPED';
  const rec: EndpointRecord = {
    id: `endpoint-${hex.slice(8, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 24)}-${hex.slice(24, 28)}-${hex.slice(28, 40)}`,
    name: `${emu.config.org}/${model.replace(new RegExp(`^${emu.config.org}/`), '')}-${suffix}`,
    displayName: optString(body, 'display_name') ?? `${model} endpoint`,
    model,
    hardware,
    minReplicas: scale.min,
    maxReplicas: scale.max,
    createdMs: now,
    want: stopped ? 'STOPPED' : 'STARTED',
    // Created stopped: already at rest.
    sinceMs: stopped ? now - emu.clock.scaled(STOPPING_S) : now,
    fresh: !stopped,
  };
  all.set(rec.id, rec);
  return dedicatedShape(emu, rec);
}

function getRecord(ctx: RequestContext): EndpointRecord {
  const e = store(ctx.emu).get(ctx.params[0]);
  if (!e) throw notFound(`Endpoint ${ctx.params[0]} not found`, 'endpointId', 'not_found');
  return e;
}

async function update(ctx: RequestContext) {
  const e = getRecord(ctx);
  const body = await readJsonObject(ctx.req, ctx.emu.config.maxJsonBytes);
  const state = optString(body, 'state');
  if (state !== undefined && state !== 'STARTED' && state !== 'STOPPED') throw invalidRequest('state must be STARTED or STOPPED.', 'state', 'invalid_value');
  const scale = readAutoscaling(body, false);
  if (scale) [e.minReplicas, e.maxReplicas] = [scale.min, scale.max];
  e.displayName = optString(body, 'display_name') ?? e.displayName;
  if (state && state !== e.want) {
    e.want = state;
    e.sinceMs = ctx.emu.clock.now();
    e.fresh = false;
  }
  return dedicatedShape(ctx.emu, e);
}

function remove(ctx: RequestContext): undefined {
  const e = getRecord(ctx);
  store(ctx.emu).delete(e.id);
  ctx.res.writeHead(204);
  ctx.res.end();
  return undefined;
}

function list(ctx: RequestContext) {
  const { emu } = ctx;
  const type = ctx.query.get('type');
  const mine = ctx.query.get('mine') === 'true';
  const dedicated = type === 'serverless' ? [] : [...store(emu).values()].map((e) => ({ ...dedicatedShape(emu, e), object: 'endpoint' as const }));
  // Together's own serverless endpoints for its deployable bases (not the caller's).
  const serverless =
    type === 'dedicated' || mine
      ? []
      : [
          {
            object: 'endpoint' as const,
            id: 'endpoint-serverless-qwen3-8b',
            name: 'Qwen/Qwen3-8B',
            model: 'Qwen/Qwen3-8B',
            type: 'serverless',
            owner: 'together',
            state: 'STARTED',
            created_at: '2025-05-01T00:00:00.000Z',
          },
        ];
  return { object: 'list', data: [...dedicated, ...serverless] };
}

/**
 * What a chat `model` resolves to through an endpoint: the endpoint's name, or a model that one of the caller's
 * endpoints serves. `served` = answer as that model; `notStarted` = the endpoint exists but is not STARTED.
 */
export function servingEndpoint(emu: Emulator, model: string): { served: string } | { notStarted: ApiError } | undefined {
  const eps = [...store(emu).values()].filter((e) => e.name === model || e.model === model);
  if (eps.length === 0) return undefined;
  const up = eps.find((e) => stateOf(emu, e) === 'STARTED');
  if (up) return { served: up.model };
  const e = eps[0];
  return {
    notStarted: invalidRequest(
      `Endpoint ${e.name} serving ${e.model} is ${stateOf(emu, e)}: start it and wait until it is STARTED.`,
      'model',
      'model_not_available',
    ),
  };
}

export const togetherEndpointRoutes: Route[] = [
  route('GET', '/hardware', listHardware),
  route('GET', '/endpoints', list),
  route('POST', '/endpoints', create),
  route('GET', '/endpoints/:id', (ctx) => dedicatedShape(ctx.emu, getRecord(ctx))),
  route('PATCH', '/endpoints/:id', update),
  route('DELETE', '/endpoints/:id', remove),
];
