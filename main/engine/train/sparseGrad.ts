/**
 * Gradient rows for a large table of which one batch touches only a few rows:
 * `slot[row]` points into a compact buffer, so accumulating and applying cost
 * O(touched rows), never O(table).
 */
export class SparseRowGrad {
  readonly width: number;
  private readonly slot: Int32Array;
  private touched: Int32Array;
  private data: Float32Array;
  private count = 0;

  constructor(rows: number, width: number) {
    this.width = width;
    this.slot = new Int32Array(rows).fill(-1);
    this.touched = new Int32Array(1024);
    this.data = new Float32Array(1024 * width);
  }

  get size(): number {
    return this.count;
  }

  /** Offset of `row`'s gradient in `values`, adding a zero row the first time. */
  offsetOf(row: number): number {
    let s = this.slot[row]!;
    if (s < 0) {
      s = this.count++;
      if (s === this.touched.length) this.grow();
      this.slot[row] = s;
      this.touched[s] = row;
    }
    return s * this.width;
  }

  get values(): Float32Array {
    return this.data;
  }

  rowAt(i: number): number {
    return this.touched[i]!;
  }

  /** Forget all rows (the buffer is reused). */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.slot[this.touched[i]!] = -1;
    this.data.fill(0, 0, this.count * this.width);
    this.count = 0;
  }

  private grow(): void {
    const touched = new Int32Array(this.touched.length * 2);
    touched.set(this.touched);
    this.touched = touched;
    const data = new Float32Array(touched.length * this.width);
    data.set(this.data);
    this.data = data;
  }
}
