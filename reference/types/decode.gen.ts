// Generated from schema/decode.schema.json by `npm run cli -- types`. Do not edit by hand.

/**
 * This interface was referenced by `AuthoredDecodeVector`'s JSON-Schema
 * via the `definition` "u64".
 */
export type U64 = string;
/**
 * This interface was referenced by `AuthoredDecodeVector`'s JSON-Schema
 * via the `definition` "u32".
 */
export type U32 = string;

/**
 * A decode vector (SPEC.md section 8, feature decode): an input byte string for a snapshot decoder, written readably. The reference decides the verdict (SPEC.md 4.1); it is never written here.
 */
export interface AuthoredDecodeVector {
  description: string;
  tags?: string[];
  /**
   * @minItems 1
   */
  rules?: [string, ...string[]];
  input: RawDecodeInput | DecodeInputFields;
}
/**
 * This interface was referenced by `AuthoredDecodeVector`'s JSON-Schema
 * via the `definition` "raw".
 */
export interface RawDecodeInput {
  hex: string;
}
/**
 * This interface was referenced by `AuthoredDecodeVector`'s JSON-Schema
 * via the `definition` "fields".
 */
export interface DecodeInputFields {
  magic?: Bytes;
  current_term: U64;
  last_included_index: U64;
  last_included_term: U64;
  /**
   * The declared pair count; default the number of pairs written.
   */
  pair_count?: string;
  pairs: DecodeInputPair[];
  tail?: Bytes3;
  /**
   * The CRC written; default the CRC-32C of every byte before it.
   */
  crc?: string;
}
/**
 * Default RKV1; any length.
 */
export interface Bytes {
  utf8?: string;
  /**
   * Hex digits, either case, an even number of them. One character class in the pattern, which cannot overflow a regex stack however long the value; the even length is the kit's x-hex-bytes keyword (reference/schemas.ts).
   */
  hex?: string;
}
/**
 * This interface was referenced by `AuthoredDecodeVector`'s JSON-Schema
 * via the `definition` "pair".
 */
export interface DecodeInputPair {
  key: Bytes1;
  value: Bytes2;
  /**
   * The declared key length; default the key's byte count.
   */
  key_length?: string;
  /**
   * The declared value length; default the value's byte count.
   */
  value_length?: string;
}
/**
 * The key's raw bytes: hex may be any bytes, not only UTF-8.
 */
export interface Bytes1 {
  utf8?: string;
  /**
   * Hex digits, either case, an even number of them. One character class in the pattern, which cannot overflow a regex stack however long the value; the even length is the kit's x-hex-bytes keyword (reference/schemas.ts).
   */
  hex?: string;
}
export interface Bytes2 {
  utf8?: string;
  /**
   * Hex digits, either case, an even number of them. One character class in the pattern, which cannot overflow a regex stack however long the value; the even length is the kit's x-hex-bytes keyword (reference/schemas.ts).
   */
  hex?: string;
}
/**
 * Raw bytes written after the pairs, before the CRC.
 */
export interface Bytes3 {
  utf8?: string;
  /**
   * Hex digits, either case, an even number of them. One character class in the pattern, which cannot overflow a regex stack however long the value; the even length is the kit's x-hex-bytes keyword (reference/schemas.ts).
   */
  hex?: string;
}
