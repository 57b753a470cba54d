/** Starter content for a new journal: dated entries under `##` headings, which Socratune splits on. */
export function JOURNAL_TEMPLATE(now: Date): string {
  const day = now.toISOString().slice(0, 10);
  return `# Journal

Write the way you think. Each dated entry can become a training example: select a passage and run
**Socratune: Add Selection as Training Example** (Ctrl+Alt+E / Cmd+Alt+E).

## ${day} — What did I learn today?

Replace this with something true you noticed today. A good example answers a question someone could ask
you; the heading above becomes that question.
`;
}

/** `journal.md`, or `journal-2.md`… when that name is taken. */
export function journalFileName(existingPaths: readonly string[]): string {
  const taken = new Set(existingPaths.map((p) => p.split('/').pop()?.toLowerCase()));
  if (!taken.has('journal.md')) return 'journal.md';
  let i = 2;
  while (taken.has(`journal-${i}.md`)) i++;
  return `journal-${i}.md`;
}
