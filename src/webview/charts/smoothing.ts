/**
 * Exponential moving average with debiasing (as TensorBoard smooths loss curves): the first points are
 * not dragged towards zero. Gaps (undefined) stay gaps and do not reset the average.
 */
export function smoothEma(values: readonly (number | undefined)[], weight: number): (number | undefined)[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  if (w === 0) return [...values];
  let acc = 0;
  let norm = 0;
  return values.map((v) => {
    if (v === undefined || !Number.isFinite(v)) return undefined;
    acc = acc * w + (1 - w) * v;
    norm = norm * w + (1 - w);
    return acc / norm;
  });
}
