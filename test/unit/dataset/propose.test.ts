import { strict as assert } from 'node:assert';
import { parseQuestions } from '../../../src/core/dataset/backtranslate';
import {
  findQaPair,
  headingToQuestion,
  headingTopic,
  isDateHeading,
  openingQuestion,
  proposePrompts,
  questionInHeading,
} from '../../../src/core/dataset/propose';

describe('prompt proposals (rules)', () => {
  it('recognizes date-only headings in common journal styles', () => {
    for (const h of ['2024-03-01', '2024/03/01', '01.03.2024', 'Monday', 'Monday, March 4', 'March 4th, 2024', '4 March 2024', 'March 2024', '**2024-03-01**'])
      assert.ok(isDateHeading(h), h);
    for (const h of ['On money', 'Monday blues are real', '2024 goals for my health']) assert.ok(!isDateHeading(h), h);
  });

  it('strips the date prefix of a heading', () => {
    assert.equal(headingTopic('2026-01-11 — On criticism'), 'On criticism');
    assert.equal(headingTopic('Monday: Rest'), 'Rest');
    assert.equal(headingTopic('2024-03-01'), '');
  });

  it('takes a question stated in the heading', () => {
    assert.equal(
      questionInHeading('2026-02-02 — Why do I procrastinate on the things I care about most?'),
      'Why do I procrastinate on the things I care about most?',
    );
    assert.equal(questionInHeading('On money'), undefined);
  });

  it('turns a heading into a question', () => {
    assert.equal(headingToQuestion('2026-03-01 — On money'), 'What are your thoughts on money?');
    assert.equal(headingToQuestion('Friendship'), 'What are your thoughts on friendship?');
    assert.equal(headingToQuestion('Marcus Aurelius'), 'What are your thoughts on Marcus Aurelius?');
    assert.equal(headingToQuestion('How to rest'), 'How do I rest?');
    assert.equal(headingToQuestion('What makes work meaningful'), 'What makes work meaningful?');
    assert.equal(headingToQuestion('2026-01-04'), undefined);
  });

  it('finds Q/A patterns (plain and bold), and not in prose', () => {
    assert.deepEqual(findQaPair('Q: Why rest?\nA: Because it is part of the work.\nIt really is.'), {
      question: 'Why rest?',
      answer: 'Because it is part of the work.\nIt really is.',
    });
    assert.deepEqual(findQaPair('**Question:** What is enough?\n**Answer:** A number decided early.'), {
      question: 'What is enough?',
      answer: 'A number decided early.',
    });
    assert.equal(findQaPair('A quiet day. Quite nice: nothing happened.'), undefined);
  });

  it('finds a question the passage opens with', () => {
    assert.equal(openingQuestion('What is worth doing with an ordinary Sunday? I keep asking.'), 'What is worth doing with an ordinary Sunday?');
    assert.equal(openingQuestion('I keep asking myself things. Why? Nobody knows.'), undefined);
  });

  it('orders proposals: heading question / Q&A first, then the nearest heading', () => {
    const p = proposePrompts({ passage: 'Because a bad first attempt feels like a verdict.', heading: '2026-02-02 — Why do I procrastinate?' });
    assert.deepEqual(
      p.map((x) => x.source),
      ['heading-question'],
    );
    const q = proposePrompts({ passage: 'Enough is a number you decide before you earn it.', heading: '2026-03-01 — On money', headingPath: ['Notes'] });
    assert.deepEqual(
      q.map((x) => [x.source, x.prompt]),
      [['heading', 'What are your thoughts on money?']],
    );
    // A date-only heading does not climb to the document title; a passage without its own heading uses the nearest one.
    assert.deepEqual(proposePrompts({ passage: 'Rest is part of the work.', heading: '2026-04-05', headingPath: ['Notes to myself'] }), []);
    const r = proposePrompts({ passage: 'Rest is part of the work.', headingPath: ['Journal', 'On rest'] });
    assert.deepEqual(
      r.map((x) => x.prompt),
      ['What are your thoughts on rest?'],
    );
    assert.deepEqual(proposePrompts({ passage: 'Just text.' }), []);
  });
});

describe('model reply parsing (backtranslation)', () => {
  it('reads a JSON array, a fenced array, an object with an array, or numbered lines', () => {
    assert.deepEqual(parseQuestions('["How should I rest?", "Is rest part of work?", "Why do I feel guilty resting?"]'), [
      'How should I rest?',
      'Is rest part of work?',
      'Why do I feel guilty resting?',
    ]);
    assert.deepEqual(parseQuestions('```json\n["A?", "Bee?"]\n```'), ['Bee?']);
    assert.deepEqual(parseQuestions('{"questions": ["What is enough money?"]}'), ['What is enough money?']);
    assert.deepEqual(parseQuestions('Here:\n1. First question?\n2) "Second question?"\n- Third question?\n4. Fourth?', 3), [
      'First question?',
      'Second question?',
      'Third question?',
    ]);
    assert.deepEqual(parseQuestions('["Same?", "same?", "Other?"]'), ['Same?', 'Other?']);
  });
});
