/**
 * The ring of ready connections on a serve() board (protocol.ts Board.Head/Tail/Ring), in
 * shared memory: the engine puts a connection that has bytes to read; a pool thread that
 * has just answered takes the oldest without a call to the engine; the engine takes from it
 * too (a thread's NextRequest, the listener's close).
 *
 * One producer (the engine thread), any number of takers. An entry is written before the
 * tail moves past it; a taker reads the entry at the head, then moves the head with one
 * compare-and-exchange, so one entry goes to one taker, and what it read is what it took
 * (the producer writes an entry only once the head is past it). Emptiness is judged by the
 * same head value that is then moved: a head moved past the tail would hide the next entry
 * put in (head == tail reads as empty), and that connection would wait for ever.
 *
 * Imported by both sides (engine/request-server.ts, server/request-calls.ts): it knows
 * only protocol.ts.
 */
import { Board, BOARD_ADDRESS_BYTES, BOARD_ENTRY_WORDS, BOARD_RING, serveBoardBase } from './protocol.js';

/** A ready connection as the ring holds it. */
export interface RingEntry {
  socket: number;
  port: number;
  address: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class BoardRing {
  private readonly head: number;
  private readonly tail: number;
  private readonly entries: number;
  private readonly addressWords = new Int32Array(BOARD_ADDRESS_BYTES / 4);
  private readonly addressBytes = new Uint8Array(this.addressWords.buffer);

  constructor(
    private readonly registry: Int32Array,
    board: number,
  ) {
    const base = serveBoardBase(board);
    this.head = base + Board.Head;
    this.tail = base + Board.Tail;
    this.entries = base + Board.Ring;
  }

  /**
   * How far the takers have come: the count of entries ever taken (wrapping). An entry put
   * when `puts` was P has been taken once `taken - P > 0`.
   */
  get taken(): number {
    return Atomics.load(this.registry, this.head);
  }

  /** The count of entries ever put (wrapping). */
  get puts(): number {
    return Atomics.load(this.registry, this.tail);
  }

  /** Entries waiting to be taken (a moment's view). */
  get size(): number {
    return (Atomics.load(this.registry, this.tail) - Atomics.load(this.registry, this.head)) | 0;
  }

  /**
   * The engine's: puts a ready connection at the tail; false when the ring is full, or its
   * address does not fit an entry (a long socket path: that connection goes by NextRequest,
   * which carries any address).
   */
  put(socket: number, port: number, address: string): boolean {
    const registry = this.registry;
    const tail = Atomics.load(registry, this.tail);
    if (((tail - Atomics.load(registry, this.head)) | 0) >= BOARD_RING) return false;
    const entry = this.entryAt(tail);
    this.addressWords.fill(0);
    const { read, written } = encoder.encodeInto(address, this.addressBytes);
    if (read < address.length) return false;
    for (let i = 0; i < this.addressWords.length; i++) Atomics.store(registry, entry + 3 + i, this.addressWords[i]!);
    Atomics.store(registry, entry, socket);
    Atomics.store(registry, entry + 1, port);
    Atomics.store(registry, entry + 2, written);
    Atomics.store(registry, this.tail, (tail + 1) | 0);
    return true;
  }

  /** The oldest entry's socket, taken; 0 when the ring is empty. */
  takeSocket(): number {
    const registry = this.registry;
    for (;;) {
      const head = Atomics.load(registry, this.head);
      if (((Atomics.load(registry, this.tail) - head) | 0) <= 0) return 0;
      const socket = Atomics.load(registry, this.entryAt(head));
      if (Atomics.compareExchange(registry, this.head, head, (head + 1) | 0) === head) return socket;
    }
  }

  /** The oldest entry, taken, with its peer's address; undefined when the ring is empty. */
  take(): RingEntry | undefined {
    const registry = this.registry;
    for (;;) {
      const head = Atomics.load(registry, this.head);
      if (((Atomics.load(registry, this.tail) - head) | 0) <= 0) return undefined;
      const entry = this.entryAt(head);
      const socket = Atomics.load(registry, entry);
      const port = Atomics.load(registry, entry + 1);
      const length = Atomics.load(registry, entry + 2);
      for (let i = 0; i < this.addressWords.length; i++) this.addressWords[i] = Atomics.load(registry, entry + 3 + i);
      if (Atomics.compareExchange(registry, this.head, head, (head + 1) | 0) !== head) continue;
      return { socket, port, address: decoder.decode(this.addressBytes.subarray(0, Math.min(length, BOARD_ADDRESS_BYTES))) };
    }
  }

  private entryAt(position: number): number {
    return this.entries + (position & (BOARD_RING - 1)) * BOARD_ENTRY_WORDS;
  }
}
