// The tutorial model in TensorFlow.js, started from ingraph's initial weights: LSTM (sigmoid recurrent activation,
// where tfjs defaults to hard sigmoid; tanh) -> last step -> ReLU -> dense, trained with MSE and Adam.
import * as tf from '@tensorflow/tfjs';
import { onnxLstm, onnxToKeras, transpose } from './weights.ts';
import { ADAM, gather, type Workload, type WorkloadData } from './workload.ts';

export { tf };

export function buildModel(w: Workload, init: Map<string, Float32Array>): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.lstm({ units: w.hidden, inputShape: [w.window, 1], recurrentActivation: 'sigmoid', activation: 'tanh', returnSequences: false }),
      tf.layers.reLU(),
      tf.layers.dense({ units: 1 }),
    ],
  });
  const k = onnxToKeras(onnxLstm(init, w.hidden));
  model.layers[0]!.setWeights([tf.tensor2d(k.kernel, [1, 4 * w.hidden]), tf.tensor2d(k.recurrentKernel, [w.hidden, 4 * w.hidden]), tf.tensor1d(k.bias)]);
  model.layers[2]!.setWeights([tf.tensor2d(transpose(init.get('fc.weight')!, 1, w.hidden), [w.hidden, 1]), tf.tensor1d(init.get('fc.bias')!)]);
  return model;
}

/**
 * Trains `model` on `batches` in order (one Adam step each, the loss read every step); returns the last loss.
 * `pairedBias` steps the LSTM bias with twice the learning rate: ONNX and PyTorch hold that bias as two halves
 * with the same gradient, which Adam moves by the same amount each, so their sum moves twice as far as Keras'
 * single bias would. With it, tfjs follows ingraph's trajectory; the benchmark runs stock tfjs, without it.
 */
export function trainSteps(model: tf.Sequential, w: Workload, d: WorkloadData, batches: readonly Int32Array[], pairedBias = false): number {
  const opt = tf.train.adam(w.lr, ADAM.beta1, ADAM.beta2, ADAM.eps);
  const biasOpt = pairedBias ? tf.train.adam(2 * w.lr, ADAM.beta1, ADAM.beta2, ADAM.eps) : null;
  const isBias = (name: string) => /lstm.*\/bias$/i.test(name);
  let last = NaN;
  for (const rows of batches) {
    const b = gather(d, rows);
    const xb = tf.tensor3d(b.x, [b.y.length, w.window, 1]);
    const yb = tf.tensor2d(b.y, [b.y.length, 1]);
    const f = () => tf.losses.meanSquaredError(yb, model.apply(xb, { training: true }) as tf.Tensor) as tf.Scalar;
    let cost: tf.Scalar;
    if (biasOpt) {
      const { value, grads } = opt.computeGradients(f);
      const pick = (bias: boolean) => Object.entries(grads).filter(([k]) => isBias(k) === bias).map(([name, tensor]) => ({ name, tensor }));
      opt.applyGradients(pick(false));
      biasOpt.applyGradients(pick(true));
      tf.dispose(Object.values(grads));
      cost = value;
    } else cost = opt.minimize(f, true)!;
    last = cost.dataSync()[0]!;
    tf.dispose([xb, yb, cost]);
  }
  opt.dispose();
  biasOpt?.dispose();
  return last;
}

export function predict(model: tf.Sequential, x: Float32Array, rows: number, window: number): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor3d(x, [rows, window, 1])) as tf.Tensor).dataSync() as Float32Array);
}

export function mse(pred: Float32Array, target: Float32Array): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i]! - target[i]!) ** 2;
  return s / pred.length;
}
