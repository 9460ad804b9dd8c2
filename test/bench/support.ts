import { parseArgs } from 'node:util';

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
  username: null,
  language: 'nl_BE' as const,
  // No attributes (the seven fields of src-shared/attributes.ts, empty) and no grants.
  accessRights: [] as string[],
  department: null,
  jobProfile: null,
  permissionType: null,
  userGroup: null,
  paymentMethods: [] as string[],
  licences: [] as string[],
  grants: {} as Record<string, string>,
});

/** One round of a paired benchmark: the console's time and, measured right before it, the bare client's. */
export interface PairedRound {
  ms: number;
  serverOnlyMs: number;
  ratio: number;
}

/** Rounds summed up as their medians (what the targets are judged on), with every round's pair beside them. */
export const pairedMedians = (rounds: readonly PairedRound[]) => ({
  rounds: rounds.length,
  ms: quantile(rounds.map((r) => r.ms), 0.5, 0),
  serverOnlyMs: quantile(rounds.map((r) => r.serverOnlyMs), 0.5, 0),
  ratio: quantile(rounds.map((r) => r.ratio), 0.5, 2),
  each: rounds.map((r) => ({ ms: Math.round(r.ms), serverOnlyMs: Math.round(r.serverOnlyMs), ratio: round(r.ratio, 2) })),
});

/**
 * A size a benchmark runs at: `--<name> N` on its command line (`npm run
 * bench:replica -- --profiles 1000000`), else the environment variable,
 * else the default. Anything but a whole number above 0 stops the run.
 */
export function sizeOption(name: string, envVar: string, fallback: number): number {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { [name]: { type: 'string' } }, strict: false, allowPositionals: true });
  const given = values[name];
  const raw = typeof given === 'string' ? given : (process.env[envVar] ?? String(fallback));
  const n = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} (or ${envVar}) must be a whole number above 0, not "${raw}".`);
  return n;
}
