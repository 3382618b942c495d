/*
 * Glue responses are parsed without a JSON reviver.
 *
 * The SDK parses a response with a reviver whenever the output shape contains a big number or a
 * document anywhere. Glue's `Table` does: `IcebergTableMetadata` carries Iceberg field types as
 * documents. A reviver makes `JSON.parse` call back into JavaScript for every key and value, which
 * on a GetTables page of 100 tables × 20 columns (about 180 KB) is most of the client's CPU time
 * (measured by `yarn bench catalog`, section `deserialization`). Glue's model has no big-number
 * member, and Iceberg field types are names or nested type objects whose numbers are field ids,
 * so nothing in a Glue answer needs more than a double's precision. The SDK's shape walk
 * (timestamps, blobs, maps, unions, errors) runs unchanged on the parsed value.
 */
import { GlueClient } from '@aws-sdk/client-glue';
import { JsonCodec2, JsonShapeDeserializer2 } from '@aws-sdk/core/protocols';
import type { Schema } from '@smithy/types';

class ReviverFreeJsonDeserializer extends JsonShapeDeserializer2 {
  override async read(schema: Schema, data: unknown): Promise<any> {
    if (typeof data === 'string') {
      return data.length === 0 ? {} : this.readObject(schema, JSON.parse(data));
    }
    if (data instanceof Uint8Array) {
      if (data.byteLength === 0) {
        return {};
      }
      const text = Buffer.from(
        data.buffer,
        data.byteOffset,
        data.byteLength,
      ).toString('utf8');
      return this.readObject(schema, JSON.parse(text));
    }
    // Streams and anything else take the SDK's own path.
    return super.read(schema, data);
  }
}

class ReviverFreeJsonCodec extends JsonCodec2 {
  override createDeserializer(): any {
    const deserializer = new ReviverFreeJsonDeserializer(this.settings);
    if (this.serdeContext) {
      deserializer.setSerdeContext(this.serdeContext);
    }
    return deserializer;
  }
}

/** The protocol settings a Glue client has by default (service target, error registries). */
let defaultGlueProtocolSettings: Record<string, unknown> | undefined;

/**
 * Client options that make a Glue client parse responses without a reviver. The codec is new for
 * every client because the protocol gives it that client's serde context.
 *
 * @internal
 */
export function glueClientOptions(): {
  protocolSettings: Record<string, unknown>;
} {
  if (!defaultGlueProtocolSettings) {
    const stock = new GlueClient({ region: 'us-east-1' });
    defaultGlueProtocolSettings = { ...stock.config.protocolSettings };
    stock.destroy();
  }
  return {
    protocolSettings: {
      ...defaultGlueProtocolSettings,
      // What AWS JSON 1.1 protocols use: epoch seconds unless a member says otherwise, no renames.
      jsonCodec: new ReviverFreeJsonCodec({
        timestampFormat: { useTrait: true, default: 7 },
        jsonName: false,
      }),
    },
  };
}
