/**
 * The files of one evaluation, `.socratune/evals/<name>/`:
 *
 *   plan.json      EvalPlan: questions × contestants × samples (written once, read back on resume)
 *   results.jsonl  one ResultLine per finished sample, appended durably (resume skips what is there)
 *   ratings.jsonl  RatingLine: blind ratings by the user or a judge model, append-only (undo is a line too)
 *
 * Everything read back goes through these valibot schemas: a hand-edited or torn file gives a clear message.
 */
import * as v from 'valibot';

const Id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,64}$/, 'an id is 1–64 letters, digits, ".", "_" or "-"'));
const NonEmpty = v.pipe(v.string(), v.minLength(1, 'must not be empty'));
const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** The system prompt a contestant answers with: the one bound to the model, a preset, or none at all. */
export const SystemPromptSchema = v.variant('kind', [
  v.object({ kind: v.literal('none') }),
  v.object({ kind: v.literal('bound'), text: NonEmpty }),
  v.object({ kind: v.literal('preset'), name: NonEmpty, text: NonEmpty }),
]);

/** USD per 1M tokens; absent when the price of the model is not known (cost then shows as unknown). */
export const PriceSchema = v.object({ inputPer1M: v.pipe(v.number(), v.minValue(0)), outputPer1M: v.pipe(v.number(), v.minValue(0)) });

export const ContestantSchema = v.object({
  id: Id,
  label: NonEmpty,
  model: NonEmpty,
  /** Which backend answers (the concurrency limit is per backend). */
  backend: NonEmpty,
  system: SystemPromptSchema,
  temperature: v.pipe(v.number(), v.minValue(0), v.maxValue(2)),
  price: v.optional(PriceSchema),
});

export const QuestionSchema = v.object({
  id: Id,
  text: NonEmpty,
  /** The user's own held-out answer, when there is one (shown beside the pair; reference similarity). */
  reference: v.optional(v.string()),
});

const unique = <T extends { id: string }>(what: string) =>
  v.check<T[], string>((items) => new Set(items.map((i) => i.id)).size === items.length, `${what} ids must be unique`);

export const PlanSchema = v.object({
  version: v.literal(1),
  name: Id,
  createdAt: v.string(),
  /** Seeds the per-sample request seeds and the blind order. */
  seed: v.pipe(v.number(), v.integer()),
  samples: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(20)),
  maxTokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  questions: v.pipe(v.array(QuestionSchema), v.minLength(1, 'an evaluation needs at least one question'), unique('question')),
  contestants: v.pipe(
    v.array(ContestantSchema),
    v.minLength(2, 'an evaluation needs 2–4 contestants'),
    v.maxLength(4, 'an evaluation needs 2–4 contestants'),
    unique('contestant'),
  ),
});

export const UsageSchema = v.object({ prompt: Count, completion: Count });

export const ResultLineSchema = v.object({
  question: Id,
  contestant: Id,
  sample: Count,
  text: v.string(),
  finishReason: v.optional(v.string()),
  usage: v.optional(UsageSchema),
  seed: v.pipe(v.number(), v.integer()),
  ms: v.pipe(v.number(), v.minValue(0)),
  at: v.string(),
});

export const VerdictSchema = v.picklist(['1', '2', 'tie', 'skip']);

/** `1` = the left reply is better, `2` = the right one, `tie`, `skip` (not rated). Sides are as shown to the rater. */
export const RatingLineSchema = v.variant('op', [
  v.object({ op: v.literal('rate'), pair: NonEmpty, verdict: VerdictSchema, rater: NonEmpty, at: v.string() }),
  /** Marks one reply as nonsense (a failure whatever it is compared with). */
  v.object({ op: v.literal('flag'), reply: NonEmpty, nonsense: v.boolean(), rater: NonEmpty, at: v.string() }),
  /** Takes back the rater's last `rate` or `flag` that is not already undone. */
  v.object({ op: v.literal('undo'), rater: NonEmpty, at: v.string() }),
]);

export type SystemPrompt = v.InferOutput<typeof SystemPromptSchema>;
export type Contestant = v.InferOutput<typeof ContestantSchema>;
export type Question = v.InferOutput<typeof QuestionSchema>;
export type EvalPlan = v.InferOutput<typeof PlanSchema>;
export type ResultLine = v.InferOutput<typeof ResultLineSchema>;
export type Verdict = v.InferOutput<typeof VerdictSchema>;
export type RatingLine = v.InferOutput<typeof RatingLineSchema>;

/** The human rater; a judge model rates as `judge:<model>`. */
export const HUMAN = 'you';
export const judgeRater = (model: string): string => `judge:${model}`;
export const isJudge = (rater: string): boolean => rater.startsWith('judge:');

/** Key of one reply: question × contestant × sample. */
export const replyKey = (r: { question: string; contestant: string; sample: number }): string => `${r.question}/${r.contestant}/${r.sample}`;

/** Parses with a message that names the file and the first problem's path. */
export function parseWith<S extends v.GenericSchema>(schema: S, value: unknown, where: string): v.InferOutput<S> {
  const r = v.safeParse(schema, value);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const path = v.getDotPath(issue);
  throw new Error(`${where}: ${path ? `${path}: ` : ''}${issue.message}`);
}
