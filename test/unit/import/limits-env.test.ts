import { describe, expect, it } from 'vitest';
import { importLimitsFromEnv } from '../../../src-main/runtime/import/limits-env';

describe('ROSTER_IMPORT_MAX_MEMORY_MB', () => {
  it('sets the import worker’s memory cap when the console starts', () => {
    expect(importLimitsFromEnv({ ROSTER_IMPORT_MAX_MEMORY_MB: '48' })).toEqual({ maxMemoryMb: 48 });
    expect(importLimitsFromEnv({ ROSTER_IMPORT_MAX_MEMORY_MB: ' 1024 ' })).toEqual({ maxMemoryMb: 1024 });
    expect(importLimitsFromEnv({ ROSTER_IMPORT_MAX_MEMORY_MB: '32' })).toEqual({ maxMemoryMb: 32 });
    expect(importLimitsFromEnv({ ROSTER_IMPORT_MAX_MEMORY_MB: '16384' })).toEqual({ maxMemoryMb: 16384 });
  });

  it('leaves the default when it is unset or empty', () => {
    expect(importLimitsFromEnv({})).toEqual({});
    expect(importLimitsFromEnv({ ROSTER_IMPORT_MAX_MEMORY_MB: '' })).toEqual({});
    expect(importLimitsFromEnv({ ROSTER_IMPORT_MAX_MEMORY_MB: '   ' })).toEqual({});
  });

  it.each(['512MB', '1.5', '-64', '0x100', '1e3', 'lots', '31', '16385', '99999999999999999999'])('refuses %j, naming the variable and what it must be', (value) => {
    expect(() => importLimitsFromEnv({ ROSTER_IMPORT_MAX_MEMORY_MB: value })).toThrow(
      `ROSTER_IMPORT_MAX_MEMORY_MB must be a whole number of MB from 32 to 16384 (it is "${value}").`,
    );
  });

  it('quotes at most 40 characters of a long value', () => {
    expect(() => importLimitsFromEnv({ ROSTER_IMPORT_MAX_MEMORY_MB: 'x'.repeat(200) })).toThrow(`(it is "${'x'.repeat(40)}").`);
  });
});
