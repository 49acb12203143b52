/**
 * Is the engine still there? A waiting caller cannot see the engine Worker's 'exit'
 * event, so it watches the registry instead: the engine's state and generation, and its
 * heartbeat, which a live engine moves every HEARTBEAT_INTERVAL_MS.
 */
import { EngineState, HEARTBEAT_STALE_MS, Reg } from '../protocol.js';

export class EngineWatch {
  private beat: number;
  private beatChangedAt = Date.now();

  constructor(
    private readonly registry: Int32Array,
    private readonly generation: number,
  ) {
    this.beat = Atomics.load(registry, Reg.Heartbeat);
  }

  /** Checked between wait slices: false once the engine this wait depends on is gone. */
  alive(): boolean {
    const reg = this.registry;
    if (Atomics.load(reg, Reg.Generation) !== this.generation) return false;
    if (Atomics.load(reg, Reg.State) !== EngineState.Ready) return false;
    const now = Date.now();
    const current = Atomics.load(reg, Reg.Heartbeat);
    if (current !== this.beat) {
      this.beat = current;
      this.beatChangedAt = now;
      return true;
    }
    if (now - this.beatChangedAt <= HEARTBEAT_STALE_MS) return true;
    // Silent too long (terminated, or stuck): declare it dead so that every other thread
    // stops waiting too, and the thread that started it starts a new one.
    Atomics.compareExchange(reg, Reg.State, EngineState.Ready, EngineState.Dead);
    return false;
  }
}
