// Convolution (1-D, 2-D, any number of spatial axes; groups, pads, strides, dilations) with standard ops only:
//   dX = ConvTranspose of GO with the same weights (its transpose as a linear map in X), output_padding making up
//        the input positions past the last window;
//   dW = a Conv whose batch is X's channels and whose "kernel" is GO: dW[m,c,k] = Σ_n Σ_o GO[n,m,o]·X[n,c,o·s + k·d],
//        i.e. the roles of stride and dilation swap. Groups ride along as the Conv's groups over a
//        group-major (group, batch) channel axis;
//   dB = GO summed over batch and space.
import { attr } from '../../graph/node.ts';
import { convGeometry } from '../../graph/shape.ts';
import type { Value } from '../../graph/value.ts';
import { defineGrad } from '../registry.ts';

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

function fixedDims(v: Value, from: number, what: string, node: string): number[] {
  const dims = v.shape?.slice(from);
  if (!dims || !dims.every((d) => typeof d === 'number')) throw new Error(`Conv gradient (node ${node}): ${what} must have fixed sizes`);
  return dims as number[];
}

defineGrad('Conv', ({ o, node, I, GO, needs }) => {
  const x = I(0), w = I(1), g = GO(0)!;
  const sp = fixedDims(x, 2, "the input's spatial axes", node.name);
  const [M, Cg, ...k] = fixedDims(w, 0, 'the weights', node.name) as [number, number, ...number[]];
  const S = k.length, G = node.int('group', 1);
  const { pads, strides, dilations, out } = convGeometry(node.attrs, sp, k);
  const span = k.map((kk, i) => (kk - 1) * dilations[i]! + 1);

  let dX: Value | null = null, dW: Value | null = null, dB: Value | null = null;
  if (needs(0)) {
    // The positions past the last window (in + pads - span not a multiple of the stride) get output_padding.
    const rest = sp.map((d, i) => (d + pads[i]! + pads[S + i]! - span[i]!) % strides[i]!);
    dX = o.g.add('ConvTranspose', [g, w], {
      dilations: attr.ints(dilations), group: attr.int(G), output_padding: attr.ints(rest), pads: attr.ints(pads), strides: attr.ints(strides),
    })[0]!;
  }
  if (needs(1)) {
    const Mg = M / G;
    const spAxes = range(S, 2);
    // X as [C/G, G·N, …sp] (batch = in-channel within the group) and GO as [M, N, …out] (kernel over the batch).
    const xT = G === 1 ? o.transpose(x, [1, 0, ...spAxes])
      : o.reshape(o.transpose(o.reshape(x, [-1, G, Cg, ...sp]), [2, 1, 0, ...range(S, 3)]), [Cg, -1, ...sp]);
    const gT = G === 1 ? o.transpose(g, [1, 0, ...spAxes])
      : o.reshape(o.transpose(o.reshape(g, [-1, G, Mg, ...(out as number[])]), [1, 2, 0, ...range(S, 3)]), [M, -1, ...(out as number[])]);
    let dWt = o.g.add('Conv', [xT, gT], {
      dilations: attr.ints(strides), group: attr.int(G), pads: attr.ints(pads), strides: attr.ints(dilations),
    })[0]!; // [C/G, M, …k'] with k' ≥ k: windows that start past the kernel's reach read only padding or unused input
    if (dWt.shape!.slice(2).some((d, i) => d !== k[i])) dWt = o.slice(dWt, range(S, 0).map(() => 0), k, spAxes);
    dW = o.transpose(dWt, [1, 0, ...spAxes]);
  }
  if (node.inputs[2] && needs(2)) dB = o.reduceSum(g, [0, ...range(S, 2)], false);
  return node.inputs.map((_, i) => [dX, dW, dB][i] ?? null);
});
