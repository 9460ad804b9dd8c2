import { parse } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../../src-shared/errors';
import { parseVersion } from './version';

/**
 * An update feed as electron-builder publishes it for a generic HTTP server
 * (and GitHub releases): `latest.yml` (latest-mac.yml, latest-linux.yml)
 * beside the installers. Only what the decision needs is read; a field this
 * version does not know is ignored.
 */

const sha512 = z.string().regex(/^[A-Za-z0-9+/]+=*$/).min(80).max(100);

const feedSchema = z.object({
  version: z.string().refine((v) => parseVersion(v) !== null, { message: 'not a semantic version' }),
  files: z
    .array(z.object({ url: z.string().min(1).max(500), sha512, size: z.number().int().min(0).optional() }))
    .min(1),
  releaseDate: z.iso.datetime({ offset: true }).optional(),
  releaseName: z.string().max(200).optional(),
  // Release notes are text here (electron-builder writes them as a string unless the release has notes per version).
  releaseNotes: z.string().max(20_000).nullish(),
  /** Of the consoles that would take the update, this percentage gets it now (a staged rollout); all when absent. */
  stagingPercentage: z.number().min(0).max(100).optional(),
});

/** What a feed announces: the release, its files with their checksums, and how far it is rolled out. */
export interface UpdateFeed {
  version: string;
  files: { url: string; sha512: string; size?: number | undefined }[];
  releaseDate: string | null;
  notes: string;
  stagingPercentage: number;
}

/** Reads a latest.yml; a file that is not one (no version, no files with their sha512) is refused with why. */
export function parseFeed(text: string): UpdateFeed {
  let raw: unknown;
  try {
    raw = parse(text, { maxAliasCount: 0 });
  } catch (error) {
    throw new AppError('VALIDATION_FAILED', `The update feed is not YAML: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`);
  }
  const parsed = feedSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('VALIDATION_FAILED', `The update feed is not a latest.yml: ${issue === undefined ? 'unreadable' : `${issue.path.join('.') || 'the file'}: ${issue.message}`}.`);
  }
  const f = parsed.data;
  return {
    version: f.version,
    files: f.files.map((file) => ({ url: file.url, sha512: file.sha512, size: file.size })),
    releaseDate: f.releaseDate ?? null,
    notes: f.releaseNotes ?? '',
    stagingPercentage: f.stagingPercentage ?? 100,
  };
}
