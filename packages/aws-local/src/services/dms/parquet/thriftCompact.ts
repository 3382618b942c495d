/*
 * The Thrift compact protocol, write side only: enough to serialise Parquet's FileMetaData and
 * PageHeader structs (https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md).
 */

/** Compact-protocol type ids. */
const T = {
  TRUE: 1,
  FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  BINARY: 8,
  LIST: 9,
  STRUCT: 12,
} as const;

/** A Thrift value, tagged with its wire type. */
export type ThriftValue =
  | { t: 'bool'; v: boolean }
  | { t: 'i8'; v: number }
  | { t: 'i16'; v: number }
  | { t: 'i32'; v: number }
  | { t: 'i64'; v: bigint | number }
  | { t: 'binary'; v: Buffer | string }
  | { t: 'list'; elem: 'i32' | 'binary' | 'struct'; v: ThriftValue[] }
  | { t: 'struct'; v: ThriftStruct };

/** Field id → value; undefined fields are not written (Thrift `optional`). */
export type ThriftStruct = Record<number, ThriftValue | undefined>;

export const i32 = (v: number): ThriftValue => ({ t: 'i32', v });
export const i64 = (v: bigint | number): ThriftValue => ({ t: 'i64', v });
export const i8 = (v: number): ThriftValue => ({ t: 'i8', v });
export const bool = (v: boolean): ThriftValue => ({ t: 'bool', v });
export const str = (v: string | Buffer): ThriftValue => ({ t: 'binary', v });
export const struct = (v: ThriftStruct): ThriftValue => ({ t: 'struct', v });
export const list = (
  elem: 'i32' | 'binary' | 'struct',
  v: ThriftValue[],
): ThriftValue => ({ t: 'list', elem, v });

class ByteSink {
  private readonly parts: Buffer[] = [];

  byte(b: number) {
    this.parts.push(Buffer.from([b & 0xff]));
  }

  bytes(b: Buffer) {
    this.parts.push(b);
  }

  varint(value: bigint) {
    const out: number[] = [];
    let v = value;
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      out.push(b);
    } while (v > 0n);
    this.parts.push(Buffer.from(out));
  }

  zigzag(value: bigint | number, bits: bigint) {
    const v = BigInt(value);
    this.varint(((v << 1n) ^ (v >> (bits - 1n))) & ((1n << bits) - 1n));
  }

  result() {
    return Buffer.concat(this.parts);
  }
}

function typeId(value: ThriftValue): number {
  switch (value.t) {
    case 'bool':
      return value.v ? T.TRUE : T.FALSE;
    case 'i8':
      return T.BYTE;
    case 'i16':
      return T.I16;
    case 'i32':
      return T.I32;
    case 'i64':
      return T.I64;
    case 'binary':
      return T.BINARY;
    case 'list':
      return T.LIST;
    default:
      return T.STRUCT;
  }
}

const ELEMENT_TYPE = { i32: T.I32, binary: T.BINARY, struct: T.STRUCT };

function writeValue(sink: ByteSink, value: ThriftValue) {
  switch (value.t) {
    case 'bool':
      // Only inside lists; a bool field carries its value in the field header.
      sink.byte(value.v ? T.TRUE : T.FALSE);
      return;
    case 'i8':
      sink.byte(value.v);
      return;
    case 'i16':
      sink.zigzag(value.v, 16n);
      return;
    case 'i32':
      sink.zigzag(value.v, 32n);
      return;
    case 'i64':
      sink.zigzag(value.v, 64n);
      return;
    case 'binary': {
      const bytes = Buffer.isBuffer(value.v)
        ? value.v
        : Buffer.from(value.v, 'utf8');
      sink.varint(BigInt(bytes.length));
      sink.bytes(bytes);
      return;
    }
    case 'list': {
      const size = value.v.length;
      const elem = ELEMENT_TYPE[value.elem];
      if (size < 15) sink.byte((size << 4) | elem);
      else {
        sink.byte(0xf0 | elem);
        sink.varint(BigInt(size));
      }
      for (const item of value.v) writeValue(sink, item);
      return;
    }
    default:
      writeStruct(sink, value.v);
  }
}

function writeStruct(sink: ByteSink, fields: ThriftStruct) {
  let last = 0;
  const ids = Object.keys(fields)
    .map(Number)
    .filter(id => fields[id] !== undefined)
    .sort((a, b) => a - b);
  for (const id of ids) {
    const value = fields[id]!;
    const delta = id - last;
    if (delta > 0 && delta <= 15) sink.byte((delta << 4) | typeId(value));
    else {
      sink.byte(typeId(value));
      sink.zigzag(id, 16n);
    }
    if (value.t !== 'bool') writeValue(sink, value);
    last = id;
  }
  sink.byte(0);
}

/** Serialises a struct in the compact protocol. */
export function encodeStruct(fields: ThriftStruct): Buffer {
  const sink = new ByteSink();
  writeStruct(sink, fields);
  return sink.result();
}
