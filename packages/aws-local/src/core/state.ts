import fs from 'node:fs';
import path from 'node:path';
import { EmulatorState, StateCollection } from './types';

/** Writes are batched: many mutations within this window cost one file write. */
const PERSIST_DEBOUNCE_MS = 50;

class MapCollection<T> implements StateCollection<T> {
  private readonly entries = new Map<string, T>();
  // Sorted keys are rebuilt lazily after a mutation, so reads stay cheap on the hot path.
  private sortedKeys: string[] | undefined;

  constructor(private readonly onChange: () => void) {}

  load(data: Record<string, T>) {
    for (const [key, value] of Object.entries(data)) {
      this.entries.set(key, value);
    }
    this.sortedKeys = undefined;
  }

  clear() {
    this.entries.clear();
    this.sortedKeys = undefined;
  }

  toJSON(): Record<string, T> {
    return Object.fromEntries(this.entries);
  }

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  put(key: string, value: T): void {
    if (!this.entries.has(key)) {
      this.sortedKeys = undefined;
    }
    this.entries.set(key, value);
    this.onChange();
  }

  delete(key: string): boolean {
    const existed = this.entries.delete(key);
    if (existed) {
      this.sortedKeys = undefined;
      this.onChange();
    }
    return existed;
  }

  keys(): string[] {
    if (!this.sortedKeys) {
      this.sortedKeys = [...this.entries.keys()].sort();
    }
    return this.sortedKeys;
  }

  values(): T[] {
    return this.keys().map(key => this.entries.get(key)!);
  }

  valuesWithPrefix(prefix: string): T[] {
    const keys = this.keys();
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (keys[mid] < prefix) low = mid + 1;
      else high = mid;
    }
    const result: T[] = [];
    for (let i = low; i < keys.length && keys[i].startsWith(prefix); i++) {
      result.push(this.entries.get(keys[i])!);
    }
    return result;
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The emulator's state: named collections kept in memory and persisted as one JSON file per
 * collection under `<stateDir>/state/`, written atomically (temp file + rename) and debounced.
 */
export class FileBackedState implements EmulatorState {
  private readonly collections = new Map<string, MapCollection<unknown>>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(private readonly dir: string | undefined) {}

  /** Loads the state from `stateDir` (or keeps it in memory only when `stateDir` is undefined). */
  static open(stateDir: string | undefined): FileBackedState {
    const state = new FileBackedState(
      stateDir ? path.join(stateDir, 'state') : undefined,
    );
    if (state.dir) {
      fs.mkdirSync(state.dir, { recursive: true });
      for (const file of fs.readdirSync(state.dir)) {
        if (!file.endsWith('.json')) continue;
        const name = file.slice(0, -'.json'.length);
        const data = JSON.parse(
          fs.readFileSync(path.join(state.dir, file), 'utf8'),
        );
        state.collectionImpl(name).load(data);
      }
    }
    return state;
  }

  collection<T>(name: string): StateCollection<T> {
    return this.collectionImpl(name) as MapCollection<T>;
  }

  private collectionImpl(name: string): MapCollection<unknown> {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
      throw new Error(`Invalid state collection name '${name}'`);
    }
    let collection = this.collections.get(name);
    if (!collection) {
      collection = new MapCollection(() => this.markDirty(name));
      this.collections.set(name, collection);
    }
    return collection;
  }

  private markDirty(name: string) {
    // Background work (a finishing connection test, a running execution) may still change
    // state after close; the directory may be gone by then, so nothing more is written.
    if (!this.dir || this.closed) return;
    this.dirty.add(name);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), PERSIST_DEBOUNCE_MS);
      this.timer.unref();
    }
  }

  /** Writes every changed collection now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.dir) return;
    for (const name of this.dirty) {
      const target = path.join(this.dir, `${name}.json`);
      const temp = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(
        temp,
        JSON.stringify(this.collections.get(name)!.toJSON()),
      );
      fs.renameSync(temp, target);
    }
    this.dirty.clear();
  }

  /** Writes what is pending and stops persisting. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  /** Forgets every collection, in memory and on disk. */
  clear(): void {
    // Cleared in place: services may hold on to a collection object.
    for (const collection of this.collections.values()) {
      collection.clear();
    }
    this.dirty.clear();
    if (this.dir) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      fs.mkdirSync(this.dir, { recursive: true });
    }
  }
}

/** Values of `collection` whose key starts with `prefix`, in key order. */
export function valuesWithPrefix<T>(
  collection: StateCollection<T>,
  prefix: string,
): T[] {
  if (collection.valuesWithPrefix) return collection.valuesWithPrefix(prefix);
  return collection
    .keys()
    .filter(key => key.startsWith(prefix))
    .map(key => collection.get(key)!);
}
