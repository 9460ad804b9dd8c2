import { useEffect, useRef, useState } from 'react';
import type { ChangeTopic, ChannelName, RequestOf, ResponseOf } from '../../src-shared/contract';
import type { ApiError } from '../../src-shared/errors';
import { api } from './client';

/** Runs fn whenever a write announces one of the topics. */
export function useChanged(topics: readonly ChangeTopic[], fn: () => void): void {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const key = topics.join(',');
  useEffect(() => {
    const wanted = new Set(key.split(','));
    return api.on('changed', ({ topics: changed }) => {
      if (changed.some((t) => wanted.has(t))) fnRef.current();
    });
  }, [key]);
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads a channel's answer, and loads it again when its arguments change or its topics announce a change. */
export function useApi<N extends ChannelName>(name: N, args: RequestOf<N>, topics: readonly ChangeTopic[]): Loaded<ResponseOf<N>> {
  const [state, setState] = useState<{ data: ResponseOf<N> | undefined; error: ApiError | undefined; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const argsKey = JSON.stringify(args);
  useChanged(topics, () => {
    setTick((t) => t + 1);
  });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    void api.invoke(name, JSON.parse(argsKey) as RequestOf<N>).then((result) => {
      if (!live) return;
      setState(result.ok ? { data: result.data, error: undefined, loading: false } : { data: undefined, error: result.error, loading: false });
    });
    return () => {
      live = false;
    };
  }, [name, argsKey, tick]);
  return {
    ...state,
    reload: () => {
      setTick((t) => t + 1);
    },
  };
}
