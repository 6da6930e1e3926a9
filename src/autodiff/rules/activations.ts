// Activations: each rule uses the op's output, which the forward pass already computed.
import { defineGrad } from '../registry.ts';

// Sign(relu(x)) is 1 where x > 0 and 0 elsewhere, PyTorch's choice of relu'(0) = 0.
defineGrad('Relu', ({ o, O, GO }) => [o.mul(GO(0)!, o.sign(O(0)))]);

defineGrad('Tanh', ({ o, O, GO }) => [o.mul(GO(0)!, o.sub(o.scalar(1), o.mul(O(0), O(0))))]);

defineGrad('Sigmoid', ({ o, O, GO }) => [o.mul(GO(0)!, o.mul(O(0), o.sub(o.scalar(1), O(0))))]);
