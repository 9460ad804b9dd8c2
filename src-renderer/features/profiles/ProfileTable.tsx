import { Checkbox, Group, Loader, Text, UnstyledButton } from '@mantine/core';
import type { SortField } from '../../../src-shared/contract/profiles';
import { LANGUAGE_LABELS } from '../../../src-shared/languages';
import { formatPhone, fullName } from '../../../src-shared/profile';
import { StatusBadge } from '../../components/StatusBadge';
import { isTicked, useUi } from '../../state/ui';
import type { ProfileWindow } from './useProfileWindow';
import classes from './ProfileTable.module.css';
import { useVirtualPagedRows } from '../../api/usePagedRows';
import { useGridNavigation } from '../../a11y/grid';

const ROW_HEIGHT = 44;

const COLUMNS: { label: string; sort: SortField }[] = [
  { label: 'Name', sort: 'name' },
  { label: 'Email', sort: 'email' },
  { label: 'Phone', sort: 'phone' },
  { label: 'Tags', sort: 'name' },
  { label: 'Language', sort: 'language' },
  { label: 'External ID', sort: 'externalId' },
  { label: 'Status', sort: 'status' },
];

/** The profile list: a virtualised grid that renders only the rows on screen. */
export function ProfileTable({ window: rows, total }: { window: ProfileWindow; total: number }) {
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
    <div className={classes.table} role="grid" aria-rowcount={total} aria-label="Profiles">
      <div className={`${classes.row} ${classes.header}`} role="row">
        <div role="columnheader" />
        {COLUMNS.map((c) =>
          c.label === 'Tags' ? (
            <div key={c.label} role="columnheader">
              Tags
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
              {c.label}
              {sort.by === c.sort ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
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
                      Loading…
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
                        aria-label={`Select ${fullName(p)}`}
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
                      {fullName(p)}
                    </div>
                    <div role="gridcell">{p.email}</div>
                    <div role="gridcell">{formatPhone(p.phone)}</div>
                    <div role="gridcell" title={p.tags.join(', ')}>
                      {p.tags.join(', ')}
                    </div>
                    <div role="gridcell">{LANGUAGE_LABELS[p.language]}</div>
                    <div role="gridcell">{p.externalId ?? ''}</div>
                    <div role="gridcell">
                      <StatusBadge status={p.status} />
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
