import type { EvalPlan, ResultLine } from '../../../src/core/eval/schema';

export function plan(over: Partial<EvalPlan> = {}): EvalPlan {
  return {
    version: 1,
    name: 'test-eval',
    createdAt: '2026-12-02T00:00:00.000Z',
    seed: 7,
    samples: 2,
    questions: [
      { id: 'q1', text: 'What does the journal say about anger?', reference: 'the cat sat on the mat' },
      { id: 'q2', text: 'What does the journal say about change?' },
    ],
    contestants: [
      {
        id: 'A',
        label: 'Tuned + bound prompt',
        model: 'ft:a',
        backend: 'emu',
        system: { kind: 'bound', text: 'Be wise.' },
        temperature: 1,
        price: { inputPer1M: 2, outputPer1M: 8 },
      },
      { id: 'B', label: 'Base, no prompt', model: 'gpt-4o-mini', backend: 'emu', system: { kind: 'none' }, temperature: 1 },
    ],
    ...over,
  };
}

export function result(question: string, contestant: string, sample: number, text = `${question} ${contestant} ${sample}`): ResultLine {
  return { question, contestant, sample, text, usage: { prompt: 10, completion: 20 }, seed: 1, ms: 5, at: '2026-12-02T00:00:00.000Z' };
}
