/**
 * Adam (Kingma & Ba) with its whole state exposed, so a checkpoint restores it bit for bit
 * (tf.train.adam recomputes β^t with `pow` on restore, which differs in the last bits from the
 * running product it keeps during training).
 */
import * as tf from "@tensorflow/tfjs";
import type { StoredTensor } from "./checkpoint.ts";

/** Options of {@link Adam}. */
export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Adam over a fixed, ordered list of variables. */
export class Adam {
  readonly #vars: tf.Variable[];
  readonly #lr: number;
  readonly #b1: number;
  readonly #b2: number;
  readonly #eps: number;
  #m: tf.Variable[];
  #v: tf.Variable[];
  #acc1: tf.Variable;
  #acc2: tf.Variable;

  /** Create the optimizer for `vars` (order matters for checkpoints). */
  constructor(vars: tf.Variable[], options: AdamOptions) {
    this.#vars = vars;
    this.#lr = options.learningRate;
    this.#b1 = options.beta1 ?? 0.9;
    this.#b2 = options.beta2 ?? 0.999;
    this.#eps = options.epsilon ?? 1e-7;
    this.#m = vars.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
    this.#v = vars.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
    this.#acc1 = tf.tidy(() => tf.variable(tf.scalar(this.#b1), false));
    this.#acc2 = tf.tidy(() => tf.variable(tf.scalar(this.#b2), false));
  }

  /** One update with gradients in the same order as the variables (null = no gradient). */
  apply(grads: (tf.Tensor | null)[]): void {
    tf.tidy(() => {
      const c1 = tf.sub(1, this.#acc1);
      const c2 = tf.sub(1, this.#acc2);
      this.#vars.forEach((variable, i) => {
        const g = grads[i];
        if (!g) return;
        const m = tf.add(tf.mul(this.#m[i], this.#b1), tf.mul(g, 1 - this.#b1));
        const v = tf.add(tf.mul(this.#v[i], this.#b2), tf.mul(tf.square(g), 1 - this.#b2));
        this.#m[i].assign(m);
        this.#v[i].assign(v);
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.#eps));
        variable.assign(tf.sub(variable, tf.mul(update, this.#lr)));
      });
      this.#acc1.assign(tf.mul(this.#acc1, this.#b1));
      this.#acc2.assign(tf.mul(this.#acc2, this.#b2));
    });
  }

  /** The state as named tensors (copies of the values). */
  async state(): Promise<Record<string, StoredTensor>> {
    const out: Record<string, StoredTensor> = {};
    const put = async (name: string, t: tf.Tensor) => {
      out[name] = { data: (await t.data() as Float32Array).slice(), shape: t.shape };
    };
    for (const [i, t] of this.#m.entries()) await put(`adam/m/${i}`, t);
    for (const [i, t] of this.#v.entries()) await put(`adam/v/${i}`, t);
    await put("adam/acc1", this.#acc1);
    await put("adam/acc2", this.#acc2);
    return out;
  }

  /** Restore a state saved by {@link state}. */
  restore(state: Record<string, StoredTensor>): void {
    const get = (name: string, target: tf.Variable) => {
      const s = state[name];
      if (!s) throw new Error(`checkpoint has no optimizer slot ${name}`);
      tf.tidy(() => target.assign(tf.tensor(s.data, s.shape, "float32")));
    };
    this.#m.forEach((t, i) => get(`adam/m/${i}`, t));
    this.#v.forEach((t, i) => get(`adam/v/${i}`, t));
    get("adam/acc1", this.#acc1);
    get("adam/acc2", this.#acc2);
  }

  /** Free the optimizer's tensors. */
  dispose(): void {
    tf.dispose([...this.#m, ...this.#v, this.#acc1, this.#acc2]);
  }
}
