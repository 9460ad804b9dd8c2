/** What the benchmark scripts share: how they print, round and summarise, and the profiles they write. */

/** One JSON line of figures on stdout. */
export const line = (data: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(data)}\n`);
};

export const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

/** The q-quantile (0.5, 0.95…) of some samples, rounded. */
export const quantile = (samples: readonly number[], q: number, digits = 2): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0, digits);
};

/** The values of bench profile i; `tag` keeps the emails and external IDs of separate sets apart. */
export const benchValues = (i: number, tag: string) => ({
  firstName: `First${i}`,
  lastName: `Last${i}`,
  email: `p${i}.${tag}@bench.example.com`,
  phone: '+32470123456',
  tags: ['bench', `t${i % 10}`],
  externalId: `EXT-${tag}-${i}`,
  language: 'nl_BE' as const,
});
