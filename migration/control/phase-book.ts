import type pg from 'pg';
import type { Logger } from 'pino';
import type { PhaseSignal } from './phase-signal.ts';
import { readPhase, readPhases, type ModulePhase } from './store/phase-store.ts';

/**
 * A gateway's view of every module's phase and freeze: read at start, re-read for a module as
 * soon as its change is signalled, and all of it again every `refreshMs` (the safety net for a
 * lost notification or a dropped LISTEN connection).
 */
export class PhaseBook {
  readonly #byModule = new Map<string, ModulePhase>();
  readonly #listeners = new Set<(phase: ModulePhase) => void>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(private readonly options: { control: pg.Pool; signal: PhaseSignal; logger: Logger; refreshMs?: number }) {}

  async start(): Promise<void> {
    await this.#reloadAll();
    await this.options.signal.subscribe((module) => void this.#reload(module));
    const tick = () => {
      if (this.#closed) return;
      this.#reloadAll()
        .catch((error) => this.options.logger.warn({ err: error }, 'phase re-read failed; keeping the last known phases'))
        .finally(() => {
          if (!this.#closed) this.#timer = setTimeout(tick, this.options.refreshMs ?? 2000);
        });
    };
    this.#timer = setTimeout(tick, this.options.refreshMs ?? 2000);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.options.signal.close();
  }

  /** Every module whose phase was ever recorded (the others are in phase legacy). */
  recorded(): ModulePhase[] {
    return [...this.#byModule.values()];
  }

  get(module: string): ModulePhase {
    return this.#byModule.get(module) ?? { module, phase: 'legacy', canaryPercent: 0, freeze: null, version: 0 };
  }

  onChange(listener: (phase: ModulePhase) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Re-reads one module now (also what a signal triggers). */
  async refresh(module: string): Promise<ModulePhase> {
    return this.#reload(module);
  }

  async #reload(module: string): Promise<ModulePhase> {
    const phase = await readPhase(this.options.control, module);
    this.#set(phase);
    return phase;
  }

  async #reloadAll(): Promise<void> {
    for (const phase of await readPhases(this.options.control)) this.#set(phase);
  }

  #set(phase: ModulePhase): void {
    const before = this.#byModule.get(phase.module);
    this.#byModule.set(phase.module, phase);
    const changed = !before || before.version !== phase.version || before.phase !== phase.phase || before.canaryPercent !== phase.canaryPercent || before.freeze?.epoch !== phase.freeze?.epoch;
    if (changed) for (const listener of this.#listeners) listener(phase);
  }
}
