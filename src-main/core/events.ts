import type { ChangeTopic, EventMap, EventName } from '../../src-shared/contract';
import type { ChangeSink } from './ports';

type Listener<E extends EventName> = (payload: EventMap[E]) => void;

/** The main side's event bus: services announce changes, bindings forward them to the renderer. */
export class EventBus implements ChangeSink {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`event listener for "${event}" failed`, error);
      }
    }
  }

  changed(topics: ChangeTopic[]): void {
    this.emit('changed', { topics: [...new Set(topics)] });
  }
}
