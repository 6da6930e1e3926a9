// Loading this module fills the gradient table: one import per rule family.
import './arithmetic.ts';
import './activations.ts';
import './matmul.ts';
import './reduce.ts';
import './structure.ts';
import './nondifferentiable.ts';
import './conv.ts';
import './gru.ts';
import './rnn.ts';
import './lstm.ts';
import './losses.ts';
