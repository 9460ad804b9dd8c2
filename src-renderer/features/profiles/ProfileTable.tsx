import { Checkbox, Group, Loader, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SortField } from '../../../src-shared/contract/profiles';
import { formatPhone, fullName } from '../../../src-shared/profile';
import { DeactivatedBadge, StatusBadge } from '../../components/StatusBadge';
import { FIELD_KEYS, LANGUAGE_KEYS } from '../../components/values';
import { isTicked, useUi } from '../../state/ui';
import type { ProfileWindow } from './useProfileWindow';
import classes from './ProfileTable.module.css';
import { useVirtualPagedRows } from '../../api/usePagedRows';
import { useGridNavigation } from '../../a11y/grid';
import { SourceBadge } from './ProfileSource';

const ROW_HEIGHT = 44;

/** The list's columns; tags cannot be sorted by. */
const COLUMNS = [
  { label: 'common.fields.name', sort: 'name' },
  { label: FIELD_KEYS.email, sort: 'email' },
  { label: FIELD_KEYS.username, sort: 'username' },
  { label: FIELD_KEYS.phone, sort: 'phone' },
  { label: FIELD_KEYS.tags, sort: null },
  { label: FIELD_KEYS.language, sort: 'language' },
  { label: FIELD_KEYS.externalId, sort: 'externalId' },
  { label: 'common.fields.status', sort: 'status' },
] as const satisfies readonly { label: string; sort: SortField | null }[];

/** The profile list: a virtualised grid that renders only the rows on screen. */
export function ProfileTable({ window: rows, total }: { window: ProfileWindow; total: number }) {
  const { t } = useTranslation();
  const { query, setQuery, ticked, toggle, navigate } = useUi();
  const { scrollRef, virtualizer, items } = useVirtualPagedRows(rows, total, ROW_HEIGHT, 12);
  // The keyboard's way through the list: column 0 is the tick box, 1 the name (Enter opens the profile).
  const nav = useGridNavigation({
    rows: total,
    cols: 2,
    rendered: items.map((item) => item.index),
    scrollToRow: (position) => {
      virtualizer.scrollToIndex(position, { align: 'auto' });
    },
    container: scrollRef,
  });

  const sort = query.sort ?? { by: 'name', dir: 'asc' };
  const onSort = (by: SortField): void => {
    setQuery({ sort: { by, dir: sort.by === by && sort.dir === 'asc' ? 'desc' : 'asc' } });
  };

  return (
    <div className={classes.table} role="grid" aria-rowcount={total} aria-label={t('profiles.list.grid')}>
      <div className={`${classes.row} ${classes.header}`} role="row">
        <div role="columnheader" />
        {COLUMNS.map((c) =>
          c.sort === null ? (
            <div key={c.label} role="columnheader">
              {t(c.label)}
            </div>
          ) : (
            <UnstyledButton
              key={c.label}
              role="columnheader"
              aria-sort={sort.by === c.sort ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              onClick={() => {
                onSort(c.sort);
              }}
              className={classes.sortable}
            >
              {t(c.label)}
              {sort.by === c.sort && (
                // eslint-disable-next-line i18next/no-literal-string -- a sort arrow glyph, hidden from screen readers (aria-sort says the order)
                <span aria-hidden="true">{sort.dir === 'asc' ? ' ▲' : ' ▼'}</span>
              )}
            </UnstyledButton>
          ),
        )}
      </div>
      <div ref={scrollRef} className={classes.body} data-testid="profile-scroll" onKeyDown={nav.onKeyDown} onFocus={nav.onFocus}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const p = rows.rowAt(item.index);
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                className={classes.row}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                data-testid={p === undefined ? 'profile-row-loading' : 'profile-row'}
                data-id={p?.id}
                onClick={() => {
                  if (p !== undefined) navigate({ page: 'profile', id: p.id });
                }}
              >
                {p === undefined ? (
                  <Group gap="xs" className={classes.loading}>
                    <Loader size="xs" />
                    <Text size="sm" c="dimmed">
                      {t('common.loading')}
                    </Text>
                  </Group>
                ) : (
                  <>
                    <div
                      role="gridcell"
                      onClick={(e) => {
                        e.stopPropagation();
                      }}
                    >
                      <Checkbox
                        {...nav.cellProps(item.index, 0)}
                        aria-label={t('profiles.list.select', { name: fullName(p) })}
                        checked={isTicked(ticked, p.id)}
                        onChange={() => {
                          toggle(p.id);
                        }}
                      />
                    </div>
                    <div
                      role="gridcell"
                      className={classes.strong}
                      {...nav.cellProps(item.index, 1)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter') navigate({ page: 'profile', id: p.id });
                      }}
                    >
                      <Group gap={6} wrap="nowrap">
                        <Text inherit truncate>
                          {fullName(p)}
                        </Text>
                        <SourceBadge source={p.source} />
                      </Group>
                    </div>
                    <div role="gridcell">{p.email}</div>
                    <div role="gridcell">{p.username ?? ''}</div>
                    <div role="gridcell">{formatPhone(p.phone)}</div>
                    <div role="gridcell" title={p.tags.join(', ')}>
                      {p.tags.join(', ')}
                    </div>
                    <div role="gridcell">{t(LANGUAGE_KEYS[p.language])}</div>
                    <div role="gridcell">{p.externalId ?? ''}</div>
                    <div role="gridcell">
                      {/* Deactivated says more than the invitation state (the profile page shows both); one badge fits the column. */}
                      {p.deactivatedAt == null ? <StatusBadge status={p.status} /> : <DeactivatedBadge deactivatedAt={p.deactivatedAt} />}
                    </div>
                  </>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
