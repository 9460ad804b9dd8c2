import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { UpdateSettingsPort } from '../../core/updates/service';
import { PRIVATE_FILE_MODE } from '../../db/database';

const fileSchema = z.object({ automatic: z.boolean(), installId: z.uuid() });

/**
 * The updater's settings for this install, in updates.json in the data
 * folder (above every organisation's data: updates are the machine's):
 * whether checks are automatic (on unless the admin turned them off) and
 * the install's random id that places it in a staged rollout, made once.
 */
export function createUpdateSettings(dataDir: string): UpdateSettingsPort {
  const file = join(dataDir, 'updates.json');
  let kept: z.infer<typeof fileSchema>;
  const save = (): void => {
    writeFileSync(file, `${JSON.stringify(kept, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  };
  try {
    kept = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    kept = { automatic: true, installId: randomUUID() };
    save();
  }
  return {
    automatic: () => kept.automatic,
    setAutomatic: (automatic) => {
      kept = { ...kept, automatic };
      save();
    },
    installId: () => kept.installId,
  };
}
