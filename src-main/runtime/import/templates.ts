import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateSource } from '../../core/import/service';

/**
 * The import templates committed in resources/templates: found beside the
 * source tree, the build output (out/main → resources) or a packaged app's
 * resources folder. When none is found the service builds the same file in memory.
 */
export function resourceTemplates(explicitDir?: string): TemplateSource {
  const here = dirname(fileURLToPath(import.meta.url));
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  const dirs = [
    explicitDir,
    process.env.ROSTER_TEMPLATES_DIR,
    join(here, '../../../resources/templates'),
    join(here, '../../resources/templates'),
    packaged === undefined ? undefined : join(packaged, 'templates'),
    resolve('resources/templates'),
  ].filter((d): d is string => d !== undefined && d !== '');
  return {
    read(fileName) {
      if (!/^[\w.-]+$/.test(fileName)) return undefined;
      for (const dir of dirs) {
        const file = join(dir, fileName);
        if (existsSync(file)) return new Uint8Array(readFileSync(file));
      }
      return undefined;
    },
  };
}
