// What decoding a ModelProto would cost, read from the protobuf wire format before protobufjs builds anything.
// protobufjs makes an object of every message, string and int64 (a Long), so a 95 MB file of 50M empty nodes or
// 100M zero dims would need gigabytes: the walk below counts them in no memory at all and refuses, in one line,
// a file whose decoded form would not stay a small multiple of its size.
import { OnnxError } from './errors.ts';

/** Dims per tensor or shape: real models use a handful; NumPy stops at 64. */
export const MAX_RANK = 64;
/** Heap the decoded structure may take (raw tensor bytes are views of the file and do not count). */
export const MAX_DECODED_BYTES = 256 * 2 ** 20;
/** Messages nest a few levels per subgraph; deeper files only exist to overflow a stack. */
const MAX_DEPTH = 200;

// Bytes each decoded piece takes in protobufjs on Node 20 (measured: an empty NodeProto 154, an empty TensorProto
// 355, a Long in a dims array 59, a number in a packed int32 array 11), rounded up.
const COST = { message: 160, bigMessage: 384, object: 64, number: 16 } as const;

type Packed = 'int64' | 'int32' | 'float' | 'double';
type MessageName =
  | 'Model' | 'Graph' | 'Node' | 'Attribute' | 'Tensor' | 'SparseTensor' | 'ValueInfo' | 'Type' | 'TypeTensor'
  | 'TypeElem' | 'TypeMap' | 'Shape' | 'TrainingInfo' | 'Function' | 'Leaf';
interface Field {
  /** The nested message's type, for a field that holds one. */
  message?: MessageName;
  /** A repeated number field protobufjs may find packed. */
  packed?: Packed;
  /** A bytes field: protobufjs gives a view of the file, not a copy. */
  bytes?: true;
  /** Counts towards the message's rank: TensorProto.dims, SparseTensorProto.dims, TensorShapeProto.dim. */
  dim?: true;
}
interface MessageType {
  cost: number;
  fields: Record<number, Field>;
}

// Field numbers from onnx.proto; only fields that hold messages, packed numbers or bytes need a row (every other
// length-delimited field is a string, copied, every other scalar one number).
const SCHEMA: Record<MessageName, MessageType> = {
  Model: { cost: COST.message, fields: { 7: { message: 'Graph' }, 8: { message: 'Leaf' }, 14: { message: 'Leaf' }, 20: { message: 'TrainingInfo' }, 25: { message: 'Function' } } },
  Graph: {
    cost: COST.message,
    fields: { 1: { message: 'Node' }, 5: { message: 'Tensor' }, 15: { message: 'SparseTensor' }, 11: { message: 'ValueInfo' }, 12: { message: 'ValueInfo' }, 13: { message: 'ValueInfo' }, 14: { message: 'Leaf' }, 16: { message: 'Leaf' } },
  },
  Node: { cost: COST.message, fields: { 5: { message: 'Attribute' }, 9: { message: 'Leaf' } } },
  Attribute: {
    cost: COST.bigMessage,
    fields: {
      4: { bytes: true }, 9: { bytes: true }, 5: { message: 'Tensor' }, 6: { message: 'Graph' }, 22: { message: 'SparseTensor' }, 14: { message: 'Type' },
      7: { packed: 'float' }, 8: { packed: 'int64' }, 10: { message: 'Tensor' }, 11: { message: 'Graph' }, 23: { message: 'SparseTensor' }, 15: { message: 'Type' },
    },
  },
  Tensor: {
    cost: COST.bigMessage,
    fields: {
      1: { packed: 'int64', dim: true }, 3: { message: 'Leaf' }, 4: { packed: 'float' }, 5: { packed: 'int32' }, 6: { bytes: true }, 7: { packed: 'int64' }, 9: { bytes: true },
      10: { packed: 'double' }, 11: { packed: 'int64' }, 13: { message: 'Leaf' }, 16: { message: 'Leaf' },
    },
  },
  SparseTensor: { cost: COST.message, fields: { 1: { message: 'Tensor' }, 2: { message: 'Tensor' }, 3: { packed: 'int64', dim: true } } },
  ValueInfo: { cost: COST.message, fields: { 2: { message: 'Type' }, 4: { message: 'Leaf' } } },
  Type: {
    cost: COST.message,
    fields: { 1: { message: 'TypeTensor' }, 4: { message: 'TypeElem' }, 5: { message: 'TypeMap' }, 9: { message: 'TypeElem' }, 8: { message: 'TypeTensor' }, 7: { message: 'Leaf' } },
  },
  TypeTensor: { cost: COST.message, fields: { 2: { message: 'Shape' } } },
  TypeElem: { cost: COST.message, fields: { 1: { message: 'Type' } } },
  TypeMap: { cost: COST.message, fields: { 2: { message: 'Type' } } },
  Shape: { cost: COST.message, fields: { 1: { message: 'Leaf', dim: true } } },
  TrainingInfo: { cost: COST.message, fields: { 1: { message: 'Graph' }, 2: { message: 'Graph' }, 3: { message: 'Leaf' }, 4: { message: 'Leaf' } } },
  Function: { cost: COST.message, fields: { 7: { message: 'Node' }, 9: { message: 'Leaf' }, 11: { message: 'Attribute' }, 12: { message: 'ValueInfo' }, 14: { message: 'Leaf' } } },
  /** A message of strings and scalars only (StringStringEntryProto, OperatorSetIdProto, a shape's Dimension…). */
  Leaf: { cost: COST.message, fields: {} },
};

interface Tally {
  messages: number;
  objects: number;
  numbers: number;
  bytes: number;
}

/**
 * Throws an OnnxError naming `source` when decoding `bytes` as a ModelProto would take more than MAX_DECODED_BYTES
 * of objects, or when a tensor or shape has more than MAX_RANK dims. Malformed wire data ends the walk quietly: the
 * decoder that runs next reports it, having allocated no more than what was counted up to there.
 */
export function checkWireBudget(bytes: Uint8Array, source: string): void {
  const tally: Tally = { messages: 0, objects: 0, numbers: 0, bytes: 0 };
  new Walker(bytes, source, tally).message('Model', 0, bytes.length, 0);
  if (tally.bytes > MAX_DECODED_BYTES) {
    const mb = (n: number) => `${Math.ceil(n / 2 ** 20)} MB`;
    throw new OnnxError(
      `${source}: not loaded: decoding it would take about ${mb(tally.bytes)} of memory (${tally.messages} messages, ` +
        `${tally.objects} strings and int64 values, ${tally.numbers} numbers), more than the ${mb(MAX_DECODED_BYTES)} ingraph allows for a model's structure`,
    );
  }
}

class Walker {
  constructor(private readonly buf: Uint8Array, private readonly source: string, private readonly tally: Tally) {}

  /** Walks the message in buf[start, end); returns false at the first malformed byte. */
  message(type: MessageName, start: number, end: number, depth: number): boolean {
    if (depth > MAX_DEPTH) throw new OnnxError(`${this.source}: not loaded: its messages nest more than ${MAX_DEPTH} deep`);
    const schema = SCHEMA[type];
    this.add('messages', 1, schema.cost);
    let rank = 0;
    let p = start;
    while (p < end) {
      const tag = this.varint(p, end);
      if (!tag) return false;
      p = tag.next;
      const field = schema.fields[Math.floor(tag.value / 8)];
      const wire = tag.value % 8;
      if (wire === 0) {
        const v = this.varint(p, end);
        if (!v) return false;
        p = v.next;
        this.add('objects', 1, COST.object);
        if (field?.dim) rank++;
      } else if (wire === 1 || wire === 5) {
        p += wire === 1 ? 8 : 4;
        if (p > end) return false;
        this.add('numbers', 1, COST.number);
        if (field?.dim) rank++;
      } else if (wire === 2) {
        const len = this.varint(p, end);
        if (!len || len.next + len.value > end) return false;
        const body = len.next;
        p = body + len.value;
        if (field?.message) {
          if (!this.message(field.message, body, p, depth + 1)) return false;
          if (field.dim) rank++;
        } else if (field?.packed) {
          const n = field.packed === 'float' ? len.value / 4 : field.packed === 'double' ? len.value / 8 : this.varintsIn(body, p);
          if (field.packed === 'int64') this.add('objects', n, n * COST.object);
          else this.add('numbers', n, n * COST.number);
          if (field.dim) rank += n;
        } else {
          this.add('objects', 1, field?.bytes ? COST.object : COST.object + len.value);
        }
      } else {
        return false; // groups (3, 4) are not used by onnx.proto
      }
    }
    if (rank > MAX_RANK) throw new OnnxError(`${this.source}: not loaded: a tensor or shape has invalid dims (${rank} of them; ingraph reads at most ${MAX_RANK})`);
    return p === end;
  }

  private add(what: 'messages' | 'objects' | 'numbers', n: number, bytes: number): void {
    this.tally[what] += n;
    this.tally.bytes += bytes;
  }

  /** The varint at p: its value (exact up to 2^53) and where the next field starts; null if cut off or over 10 bytes. */
  private varint(p: number, end: number): { value: number; next: number } | null {
    let value = 0;
    for (let i = 0, scale = 1; i < 10 && p + i < end; i++, scale *= 128) {
      const b = this.buf[p + i]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return { value, next: p + i + 1 };
    }
    return null;
  }

  /** How many varints a packed field holds: one per byte without the continuation bit. */
  private varintsIn(start: number, end: number): number {
    let n = 0;
    for (let p = start; p < end; p++) if (this.buf[p]! < 0x80) n++;
    return n;
  }
}
